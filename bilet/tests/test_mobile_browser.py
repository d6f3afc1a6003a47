"""Issue 12 §9 and §17: every page fits a phone. At 375 × 800 (and 390 wide for the lists the issue measured) the
document is no wider than the screen — forms, lists and the calendar included — and a list's actions stay on screen.
Each role of the `world` fixture signs in and opens its home page and its own pages; axe-core still finds no serious
or critical violation at that width."""

import pytest
from django.urls import reverse

from bilet.tests.test_links import ROLES
from regions.models import Competency
from regions.tests.factories import CompetencyFactory
from venues.tests.test_recommendations import _held

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "test-pass-2026"
PHONE = {"width": 375, "height": 800}

# What is wider than the screen, for the failure message: the outermost such elements, by tag and class.
TOO_WIDE_JS = """(width) => {
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1)) {
      wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(r.right)} px)`);
    }
  }
  return wide.slice(0, 8);
}"""


OFF_SCREEN_ACTIONS_JS = """(width) => [...document.querySelectorAll('main button, main a.button')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.textContent.trim(), el.getBoundingClientRect()])
  .filter(([, r]) => r.left < 0 || r.right > width + 1)
  .map(([text, r]) => `${text} (${Math.round(r.left)}–${Math.round(r.right)} px)`)"""


def _pages(world) -> dict[str, list[str]]:
    a = world.a
    return {
        "operator": [reverse("home")],
        "curator": [reverse("home"), reverse("venues:event_manage_list")],
        "coordinator": [reverse("home"), reverse("venues:event_queue"), reverse("venues:event_calendar"),
                        reverse("participants:student_list"), reverse("regions:school_list")],
        "navigator": [reverse("home"), reverse("venues:school_bookings"), reverse("participants:student_list"),
                      reverse("venues:event_book_students", args=[a.other_event.pk])],
        "venue_staff": [reverse("home"), reverse("venues:event_manage_list"), reverse("venues:event_calendar"),
                        reverse("venues:event_create")],
        "mentor": [reverse("home"), reverse("venues:mentor_recommendations"),
                   reverse("venues:recommendation_write", args=[a.booking.pk])],
        "guardian": [reverse("home"), reverse("venues:my_bookings"), reverse("venues:catalog")],
        "student": [reverse("home"), reverse("venues:my_bookings"), reverse("venues:event_detail", args=[a.event.pk])],
    }


def _sign_in(page, live_server, client, user) -> None:
    """The test client's session, handed to the browser (the sign-in page itself has its own browser tests)."""
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def _fits(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    response = page.goto(url)
    assert response.status == 200, url
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{url} at {width} px is {scroll_width} px wide: {page.evaluate(TOO_WIDE_JS, width)}"
    # The actions of a list (buttons) are on screen, not at the end of a table scrolled sideways.
    off_screen = page.evaluate(OFF_SCREEN_ACTIONS_JS, width)
    assert off_screen == [], f"{url} at {width} px: actions off screen: {off_screen}"


@pytest.mark.parametrize("role", list(ROLES))
def test_every_roles_pages_fit_a_phone(page, live_server, client, world, axe, role):
    _held(world.a.event, days_ago=30)  # an attended booking, its recommendation overdue (a long badge)
    # Names as long as real ones: a competency's choice in a select, a venue's full name in a card.
    CompetencyFactory(name="Разработка виртуальной и дополненной реальности для промышленных предприятий региона")
    Competency.objects.filter(pk=world.a.event.competency_id).update(
        name="Обслуживание и ремонт беспилотных авиационных систем гражданского назначения"
    )
    _sign_in(page, live_server, client, ROLES[role](world))
    for path in _pages(world)[role]:
        _fits(page, f"{live_server.url}{path}", PHONE["width"])
        axe(page)


@pytest.mark.parametrize("width", [375, 390])
def test_my_bookings_keep_the_cancel_button_on_screen(page, live_server, client, world, width):
    _sign_in(page, live_server, client, world.a.student.user)
    _fits(page, f"{live_server.url}{reverse('venues:my_bookings')}", width)
    button = page.get_by_role("button", name="Отменить запись").first
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
