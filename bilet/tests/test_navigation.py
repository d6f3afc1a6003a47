"""The navigation bar: a handful of links for families, navigators and venue staff; menus for the long bars of region
roles and operator staff (bilet/navigation.py), rendered as `<details>` that need no JavaScript."""

import re

import pytest
from django.urls import reverse

from bilet.navigation import FLAT_MAX, nav_for
from bilet.roles import get_roles


def _bar(user, path="/"):
    return nav_for(get_roles(user), path)


def _labels(entries):
    return [str(e["label"]) for e in entries]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["student", "guardian", "navigator", "venue_staff", "mentor"])
def test_a_short_bar_stays_flat(world, role):
    entries = _bar(getattr(world.a, role).user)
    assert 1 < len(entries) <= FLAT_MAX
    assert not any("links" in e for e in entries)


@pytest.mark.django_db
def test_a_coordinators_bar_is_a_few_links_and_menus_that_hold_every_page(world):
    user = world.a.coordinator.user
    entries = _bar(user)
    menus = {str(e["label"]): _labels(e["links"]) for e in entries if "links" in e}

    assert list(menus) == ["Мероприятия", "Участники и навигаторы", "Справочники", "Отчётность"]
    assert "Запросы" in menus["Отчётность"] and "Отчёты" in menus["Отчётность"]
    assert "Посещаемость" in menus["Мероприятия"] and "Школы" in menus["Справочники"]
    assert {"Начало", "Каталог мероприятий", "Учётная запись"} <= set(_labels(e for e in entries if "links" not in e))
    assert len(entries) <= FLAT_MAX
    # Nothing is lost by grouping: the same pages as a flat bar would list.
    flat = [link["url"] for e in entries for link in e.get("links", [e])]
    assert len(flat) == len(set(flat)) > FLAT_MAX


@pytest.mark.django_db
def test_the_menu_of_the_current_page_is_marked_and_its_link_is_the_current_page(world):
    entries = _bar(world.a.coordinator.user, reverse("reports:deadline_list"))
    (current,) = [e for e in entries if e["current"]]
    assert str(current["label"]) == "Отчётность"
    assert [str(i["label"]) for i in current["links"] if i["current"]] == ["Сроки отчётов"]


@pytest.mark.django_db
def test_the_menus_are_details_with_their_links_in_the_page(client, world):
    client.force_login(world.a.coordinator.user)
    html = client.get(reverse("reports:deadline_list")).content.decode()
    start = html.index('<nav class="site-nav"')
    nav = html[start:html.index("</nav>", start)]
    assert re.findall(r"<summary[^>]*>([^<]*)", nav) == ["Мероприятия", "Участники и навигаторы", "Справочники", "Отчётность"], nav
    assert 'name="site-nav-menu"' in nav
    assert re.search(r'<summary class="current">Отчётность<span class="visually-hidden"> \(здесь текущая страница\)',
                     nav)
    assert f'href="{reverse("regions:request_list")}"' in nav  # in the HTML: no script needed to reach it
    assert 'aria-current="page">Сроки отчётов</a>' in nav


@pytest.mark.django_db
def test_a_menu_with_one_page_for_the_role_is_a_plain_link(world, monkeypatch):
    monkeypatch.setattr("bilet.navigation.FLAT_MAX", 2)
    entries = _bar(world.a.venue_staff.user)
    menus = {str(e["label"]): _labels(e["links"]) for e in entries if "links" in e}
    assert "Справочники" in menus  # venues and mentors
    assert "Посещаемость" in menus["Мероприятия"]
    assert all(len(items) > 1 for items in menus.values())
