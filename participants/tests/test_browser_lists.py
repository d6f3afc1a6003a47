"""In Chromium: a coordinator works the students list with HTMX — filters, search and sort update the results in
place, the URL follows (bookmarkable, back works), the sort survives a filter change — and axe finds nothing serious."""

import re

import pytest
from playwright.sync_api import expect

from bilet.testing.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()


def _names(page):
    return [text.strip() for text in page.locator("#results tbody th[scope=row]").all_inner_texts()]


def test_students_list_filters_in_place(page, live_server, world, axe):
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    _sign_in(page, live_server, world.a.coordinator.user.email)
    page.goto(f"{live_server.url}/students/")
    assert page.locator(".list-total").inner_text() == "Найдено: 3"
    axe(page)

    # A filter change swaps only the results; the URL carries the filter.
    page.select_option("#id_school", str(world.a.other_school.pk))
    page.wait_for_url(re.compile(rf"school={world.a.other_school.pk}"))
    expect(page.locator(".list-total")).to_have_text("Найдено: 1")
    assert _names(page) == [world.a.other_student.full_name]

    # Sorting by a header keeps the filter, and a later filter change keeps the sort.
    page.select_option("#id_school", "")
    expect(page.locator(".list-total")).to_have_text("Найдено: 3")
    page.locator("#results thead a", has_text="Участник").click()
    page.wait_for_url(re.compile(r"sort=-name"))
    expect(page.locator("#results th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    assert _names(page)[0] == world.a.other_student.full_name
    page.select_option("#id_municipality", str(world.a.municipality.pk))
    page.wait_for_url(re.compile(rf"municipality={world.a.municipality.pk}.*sort=-name|sort=-name.*municipality="))
    expect(page.locator(".list-total")).to_have_text("Найдено: 2")
    assert _names(page) == [world.a.student.full_name, world.a.sibling.full_name]

    # The search box: Enter submits; the typed text stays.
    page.fill("#id_q", "Сестрова71")
    page.press("#id_q", "Enter")
    expect(page.locator(".list-total")).to_have_text("Найдено: 1")
    assert page.input_value("#id_q") == "Сестрова71"
    assert "q=" in page.url
    axe(page)
    assert csp == []


def test_students_list_works_without_javascript(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    _sign_in(page, live_server, world.a.coordinator.user.email)
    page.goto(f"{live_server.url}/students/")
    page.select_option("#id_grade", "8")
    page.fill("#id_q", "Чужакова71")
    page.locator("#filter-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "grade=8" in page.url and "q=" in page.url
    assert page.locator(".list-total").inner_text() == "Найдено: 1"
    context.close()


def test_every_directory_page_is_accessible(page, live_server, world, axe):
    from bilet.services import personal_data_access_record

    personal_data_access_record(user=world.a.coordinator.user, kind="export", what="Участники (CSV)", row_count=3)
    pages = {
        world.a.coordinator.user.email: [
            "/municipalities/", f"/municipalities/{world.a.municipality.pk}/", "/schools/",
            f"/schools/{world.a.school.pk}/", "/navigators/", f"/navigators/{world.a.navigator.pk}/",
            f"/students/{world.a.student.pk}/", "/venues/", f"/venues/{world.a.venue.pk}/", "/mentors/",
            f"/mentors/{world.a.mentor.pk}/", "/students/?grade=5",
        ],
        world.operator.email: ["/personal-data-log/", "/schools/?region=" + str(world.b.region.pk)],
    }
    for email, urls in pages.items():
        page.context.clear_cookies()
        _sign_in(page, live_server, email)
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, url
            axe(page)
