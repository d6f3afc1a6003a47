"""The home page's cost (issue 3 §3): a fixed number of queries whatever the rows, and the national figures read by
one scan, cached, or by probes per region, alike."""

import pytest

from participants.tests.factories import ConsentFactory, NavigatorFactory, StudentFactory
from venues.tests.factories import BookingFactory, EventFactory, VenueFactory

from .home_world import HOME, figures_of


def _add_region_rows(world, n):
    for _ in range(n):
        student = StudentFactory(school=world.a.school)
        ConsentFactory(student=student)
        event = EventFactory(venue=world.a.venue, campaign=world.campaign)
        event.mentors.add(world.a.mentor)
        BookingFactory(event=event, student=student)
        VenueFactory(municipality=world.a.municipality)
        NavigatorFactory(school=world.a.school)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "curator", "operator", "navigator", "venue_staff", "mentor", "guardian", "student"])
def test_home_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries, who):
    users = {
        "coordinator": world.a.coordinator.user,
        "curator": world.curator.user,
        "operator": world.operator,
        "navigator": world.a.navigator.user,
        "venue_staff": world.a.venue_staff.user,
        "mentor": world.a.mentor.user,
        "guardian": world.a.guardian.user,
        "student": world.a.student.user,
    }
    client.force_login(users[who])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(HOME).status_code == 200
    _add_region_rows(world, 6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(HOME).status_code == 200
    assert len(large) == len(small)
    # the coordinator's and the curator's charted blocks (issue 13 §7) read the report figures: see test_home_charts
    with django_assert_max_num_queries(HOME_QUERY_LIMITS.get(who, 14)):
        client.get(HOME)


# The curator's ranking is the national summary: one GROUP BY query per figure source (photos and videos among them).
HOME_QUERY_LIMITS = {"coordinator": 24, "curator": 24}  # +1 each: the roadmap block (reports.dashboards.roadmap)


@pytest.mark.django_db
def test_scan_and_probe_shapes_give_the_same_figures(rich_world, monkeypatch):
    from django.core.cache import cache

    from reports.dashboards import figures_by_region as dashboards

    cache.clear()
    operator = rich_world.operator
    probe = dashboards.region_figures(user=operator, campaign=rich_world.campaign)
    monkeypatch.setattr(dashboards, "PROBE_MAX_REGIONS", 0)
    scan = dashboards.region_figures(user=operator, campaign=rich_world.campaign)
    assert [(r.region, figures_of(r)) for r in scan] == [(r.region, figures_of(r)) for r in probe]
    assert figures_of(scan[0])["students"] != figures_of(scan[1])["students"]  # the two regions differ: a real check
    cache.clear()


@pytest.mark.django_db
def test_national_scan_is_cached_and_says_as_of_when(client, rich_world, monkeypatch, django_assert_max_num_queries):
    from django.core.cache import cache

    from reports.dashboards import figures_by_region as dashboards

    cache.clear()
    monkeypatch.setattr(dashboards, "PROBE_MAX_REGIONS", 0)
    client.force_login(rich_world.operator)
    first = client.get(HOME)
    assert "Данные на" in first.content.decode()
    StudentFactory(school=rich_world.a.school)  # a new student shows after the cache expires, not at once
    with django_assert_max_num_queries(14):
        second = client.get(HOME)
    totals = {f.key: f.value for f in second.context["operator"]["totals"]}
    assert totals["students"] == 11
    cache.clear()
    third = client.get(HOME)
    assert {f.key: f.value for f in third.context["operator"]["totals"]}["students"] == 12
    cache.clear()
