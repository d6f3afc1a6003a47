"""The menus of a long navigation bar in Chromium: opened from the keyboard, one at a time, on a desktop and on a
phone, with no serious or critical axe violation while open."""

import pytest
from django.urls import reverse

from bilet.testing.browser import nav_link
from bilet.tests.test_mobile_browser import PHONE, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_opens_a_menu_from_the_keyboard_and_follows_its_link(page, live_server, client, world, axe):
    _sign_in(page, live_server, client, world.a.coordinator.user)
    page.goto(live_server.url + reverse("home"))
    nav = page.get_by_role("navigation", name="Основная навигация")
    requests = nav.get_by_role("link", name="Запросы", exact=True)
    assert requests.count() == 0  # in a closed menu

    reporting = nav.locator("summary", has_text="Отчётность")
    reporting.focus()
    page.keyboard.press("Enter")
    assert requests.is_visible()
    axe(page)
    # One menu open at a time: opening another closes this one.
    nav.locator("summary", has_text="Справочники").click()
    assert requests.count() == 0 and nav.get_by_role("link", name="Школы", exact=True).is_visible()

    nav_link(page, "Запросы").click()
    page.wait_for_url(f"**{reverse('regions:request_list')}")
    assert page.locator("summary.current", has_text="Отчётность").count() == 1


def test_an_open_menu_fits_a_phone(page, live_server, client, world, axe):
    _sign_in(page, live_server, client, world.a.coordinator.user)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("home"))
    nav_link(page, "Сроки отчётов")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)
    nav_link(page, "Сроки отчётов").click()
    page.wait_for_url(f"**{reverse('reports:deadline_list')}")


@pytest.mark.parametrize("width", [700, 1024, 1280])
def test_operator_staffs_last_menu_opens_on_screen(page, live_server, client, world, width):
    """Five menus wrap the bar in a narrow window, where an open menu unfolds under its name; in a wide one the last
    menu, at the bar's right edge, opens leftwards: on screen either way."""
    _sign_in(page, live_server, client, world.operator)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + reverse("home"))
    nav_link(page, "Журнал доступа к ПДн")
    box = page.get_by_role("link", name="Журнал доступа к ПДн", exact=True).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
