"""Booking in Chromium: a guardian filters the catalog, books a child, reads the in-person limit, sees the waiting list place in «Мои записи»
and cancels; a navigator books a class and reads one line per student. axe-core finds no serious or critical
violation on the way."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bilet.tests.test_browser import sign_in as sign_in_with_password
from participants.tests.factories import ConsentFactory, StudentFactory
from venues.models import Booking
from venues.services.booking import booking_create
from venues.tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "test-pass-2026"


def sign_in(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    sign_in_with_password(page, live_server, email, PASSWORD)


def test_guardian_books_hits_the_limit_waits_and_cancels(page, live_server, axe, world):
    a = world.a
    in_person = EventFactory(venue=a.venue, campaign=world.campaign, title="Токарное дело",
                             starts_at=timezone.now() + dt.timedelta(days=12))
    full = EventFactory(venue=a.venue, campaign=world.campaign, online=True, capacity=1, title="Веб-дизайн",
                        starts_at=timezone.now() + dt.timedelta(days=14))
    booking_create(actor=a.other_student.user, event=full, student=a.other_student)

    sign_in(page, live_server, a.guardian.user.email)
    # The guardian looks for an in-person practicum in the catalog: the filters answer in place and stay in the URL.
    page.goto(f"{live_server.url}/events/")
    page.locator("select[name=mode]").select_option("offline")
    page.wait_for_url(re.compile(r"mode=offline"))
    page.locator("select[name=competency]").select_option(str(in_person.competency_id))
    page.wait_for_url(re.compile(rf"competency={in_person.competency_id}"))
    results = page.locator("#results")
    results.get_by_role("link", name="Токарное дело").wait_for()
    assert results.locator("li.event-card").count() == 1
    results.get_by_role("link", name="Токарное дело").click()
    page.wait_for_url(re.compile(rf"/events/{in_person.pk}/$"))
    # The sibling takes the one in-person place of the campaign.
    page.get_by_label("Кого записать").select_option(label=a.sibling.full_name)
    page.get_by_role("button", name="Записаться").click()
    assert "запись на «Токарное дело» подтверждена" in page.locator(".messages").inner_text()
    # A second in-person event is refused with the rule, naming the child.
    page.goto(f"{live_server.url}/events/{a.event.pk}/")
    assert "уже есть запись на 1 очное мероприятие — это максимум для кампании 2026" in page.locator("main").inner_text()
    # The full online event offers the waiting list.
    page.goto(f"{live_server.url}/events/{full.pk}/")
    axe(page)
    page.get_by_label("Кого записать").select_option(label=a.sibling.full_name)
    page.get_by_role("button", name="Встать в лист ожидания").click()
    # With HTMX the box answers in place; without it the page reloads: either way the place in the queue is shown.
    box = page.locator("#booking-box")
    box.get_by_text("1-й в очереди").first.wait_for()

    page.get_by_role("link", name="Мои записи").first.click()
    main = " ".join(page.locator("main").inner_text().split())
    # The sibling: the in-person event counts, the place in the queue does not (yet).
    assert "использовано 1 из 4, очное — использовано" in main
    assert "лист ожидания: 1-й в очереди" in main
    axe(page)
    page.get_by_role("button", name=f"Отменить запись — Токарное дело, {a.sibling.full_name}").click()
    assert "запись на «Токарное дело» отменена" in page.locator(".messages").inner_text()
    page.get_by_role("button", name=f"Покинуть лист ожидания — Веб-дизайн, {a.sibling.full_name}").click()
    assert not Booking.objects.filter(student=a.sibling, status__in=["confirmed", "waitlisted"]).exists()
    axe(page)


def test_navigator_books_a_class(page, live_server, axe, world):
    a = world.a
    event = EventFactory(venue=a.venue, campaign=world.campaign, online=True, capacity=2, title="Кибербезопасность",
                         starts_at=timezone.now() + dt.timedelta(days=12))
    classmate = StudentFactory(school=a.school, last_name="Одноклассникова")
    ConsentFactory(student=classmate)

    sign_in(page, live_server, a.navigator.user.email)
    page.goto(f"{live_server.url}/events/{event.pk}/book-students/")
    axe(page)
    whole_class = page.get_by_label("Весь 8А класс — 3 ученика")
    whole_class.check()  # ticks the class's students (static/js/class-choice.js)
    for student in (a.student, a.sibling, classmate):
        assert page.get_by_label(student.full_name, exact=False).is_checked()
    page.get_by_label(classmate.full_name, exact=False).uncheck()
    assert not whole_class.is_checked() and whole_class.evaluate("box => box.indeterminate")
    page.get_by_label(classmate.full_name, exact=False).check()
    assert whole_class.is_checked() and not whole_class.evaluate("box => box.indeterminate")
    page.get_by_role("button", name="Записать отмеченных").click()
    table = page.get_by_role("table", name="Результат записи").inner_text()
    assert table.count("запись подтверждена") == 2
    assert "лист ожидания: 1-й в очереди" in table
    axe(page)
