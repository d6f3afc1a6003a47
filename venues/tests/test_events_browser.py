"""Issue 4 in Chromium: venue staff create and submit an event, the coordinator approves it from the queue, and it
appears in the catalog, whose filters update the results in place (HTMX) and keep their state in the URL.
axe-core finds no serious or critical violation on the pages on the way."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bilet.tests.test_browser import sign_in as sign_in_with_password
from regions.tests.factories import CompetencyFactory
from venues.models import Event

# The live server runs in another thread: the tests commit; serialized_rollback restores the nosology groups.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "test-pass-2026"


def sign_in(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    sign_in_with_password(page, live_server, email, PASSWORD)


def settle(page) -> None:
    """Wait until no HTMX request runs and the loading indicator has faded out (0.2 s), so axe sees the page."""
    page.wait_for_function("!document.querySelector('.htmx-request')")
    page.wait_for_timeout(400)


def csp_complaints(page) -> list[str]:
    complaints = []
    page.on("console", lambda m: complaints.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    return complaints


def test_schedule_approve_and_find_in_the_catalog(page, live_server, axe, world):
    competency = CompetencyFactory(name="Мехатроника")
    complaints = csp_complaints(page)
    start = (timezone.localtime() + dt.timedelta(days=9)).replace(hour=10, minute=0, second=0, microsecond=0)

    sign_in(page, live_server, world.a.venue_staff.user.email)
    page.goto(f"{live_server.url}/manage/events/new/")
    axe(page)
    page.get_by_label("Компетенция").select_option(str(competency.pk))
    page.get_by_label("Название мероприятия").fill("Мехатроника для начинающих")
    page.get_by_label("Уровень").select_option("engaged")
    page.get_by_label("очно", exact=True).check()
    page.get_by_label("Адрес проведения").fill("г. Тула, ул. Болдина, д. 98")
    page.get_by_label("Начало", exact=True).fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Окончание").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Количество мест").fill("12")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_load_state()
    assert "Черновик сохранён" in page.locator(".messages").inner_text()
    axe(page)
    page.get_by_role("button", name="Отправить на согласование").click()
    page.wait_for_load_state()
    assert "на согласовании" in page.locator("main").inner_text()
    event = Event.objects.get(title="Мехатроника для начинающих")
    assert event.status == Event.Status.SUBMITTED

    sign_in(page, live_server, world.a.coordinator.user.email)
    page.goto(f"{live_server.url}/manage/events/queue/")
    axe(page)
    item = page.locator("article").filter(has_text="Мехатроника для начинающих")
    item.get_by_role("button", name="Согласовать и опубликовать").click()
    page.wait_for_load_state()
    assert "Мероприятие опубликовано в каталоге." in page.locator(".messages").inner_text()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    page.goto(f"{live_server.url}/manage/events/calendar/?month={start:%Y-%m}")
    axe(page)
    assert page.get_by_role("link", name=re.compile("Мехатроника для начинающих")).count() == 1

    # A visitor filters the catalog: the results change in place and the URL carries the filters.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/events/")
    axe(page)
    page.get_by_label("Регион").select_option(str(world.a.region.pk))
    page.wait_for_url(re.compile(rf"region={world.a.region.pk}"))
    page.get_by_label("Муниципалитет").select_option(str(world.a.municipality.pk))
    page.wait_for_url(re.compile(rf"municipality={world.a.municipality.pk}&"))
    page.get_by_label("Компетенция").select_option(str(competency.pk))
    page.wait_for_url(re.compile(rf"competency={competency.pk}&"))
    assert page.get_by_label("Муниципалитет").input_value() == str(world.a.municipality.pk)
    results = page.locator("#results")
    results.get_by_role("link", name="Мехатроника для начинающих").wait_for()
    assert results.locator("li.event-card").count() == 1
    assert "Осталось 12 мест" in results.inner_text()
    settle(page)
    axe(page)
    results.get_by_role("link", name="Мехатроника для начинающих").click()
    page.wait_for_load_state()
    assert "г. Тула, ул. Болдина, д. 98" in page.locator("main").inner_text()
    axe(page)
    assert complaints == []


def test_catalog_municipalities_follow_the_region_without_javascript(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server.url}/events/")
    page.get_by_label("Регион").select_option(str(world.b.region.pk))
    page.get_by_role("button", name="Показать").click()
    page.wait_for_load_state()
    assert f"region={world.b.region.pk}" in page.url
    options = page.get_by_label("Муниципалитет").locator("option").all_inner_texts()
    assert world.b.municipality.name in options and world.a.municipality.name not in options
    assert "Проба (Смоленская область)" in page.locator("#results").inner_text()
    assert "Тульская" not in page.locator("#results").inner_text()
    context.close()
