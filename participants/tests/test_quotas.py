"""Quotas (issue 14 §6, seed 003): each navigator registers ≥70 students and brings 10–20 of them to trials; the
region's targets beside the facts — as accessible progress bars on the navigator's home and list and the
coordinator's pages."""

import re

import pytest
from django.urls import reverse

from participants.tests.factories import StudentFactory
from regions.quotas import navigator_quota_bars
from regions.tests.factories import RegionTargetFactory
from venues.models import Booking
from venues.tests.factories import BookingFactory


def test_the_bars_say_what_is_met():
    registered, trials = navigator_quota_bars(registered=70, target=70, trial_students=9, trials_min=10, trials_max=20)
    assert (registered["value"], registered["max"], registered["met"]) == (70, 70, True)
    assert (trials["value"], trials["max"], trials["met"]) == (9, 20, False)
    assert navigator_quota_bars(registered=69, target=70, trial_students=21, trials_min=10, trials_max=20)[0]["met"] is False
    assert navigator_quota_bars(registered=0, target=70, trial_students=21, trials_min=10, trials_max=20)[1]["met"] is False
    assert navigator_quota_bars(registered=0, target=70, trial_students=15, trials_min=10, trials_max=20)[1]["met"] is True


def _bars(html: str) -> list[tuple[str, str, str]]:
    """(aria-label, aria-valuenow, aria-valuemax) of every progress bar of the page."""
    return re.findall(
        r'<progress[^>]*role="progressbar"[^>]*aria-valuemax="(\d+)" aria-valuenow="(\d+)" aria-label="([^"]+)"', html
    )


@pytest.fixture
def quota_world(world):
    a = world.a
    RegionTargetFactory(campaign=world.campaign, region=a.region, students_per_navigator=5,
                        trial_students_per_navigator_min=2, trial_students_per_navigator_max=3)
    registered = [StudentFactory(school=a.school, registered_by=a.navigator) for _ in range(4)]
    BookingFactory(event=a.event, student=registered[0])
    BookingFactory(event=a.other_event, student=registered[0])  # one student with two bookings counts once
    BookingFactory(event=a.other_event, student=registered[1], status=Booking.Status.CANCELLED)  # does not count
    return world


@pytest.mark.django_db
def test_the_navigator_sees_their_quotas_on_the_home_page(client, quota_world):
    client.force_login(quota_world.a.navigator.user)
    html = client.get(reverse("home")).content.decode()
    assert ("5", "4", "Зарегистрировано участников") in _bars(html)
    assert ("3", "1", "Учеников на профессиональных пробах") in _bars(html)
    assert "4 из 5" in html and "1 (план 2–3)" in html


@pytest.mark.django_db
def test_the_coordinator_sees_each_navigators_quotas_in_the_list_and_the_region_targets(client, quota_world):
    a = quota_world.a
    client.force_login(a.coordinator.user)
    html = client.get(reverse("participants:navigator_list")).content.decode()
    bars = _bars(html)
    assert ("5", "4", "Зарегистрировано участников") in bars and ("3", "1", "Учеников на профессиональных пробах") in bars
    assert ("5", "0", "Зарегистрировано участников") in bars  # the other navigator of the region registered nobody
    detail = client.get(reverse("participants:navigator_detail", args=[a.navigator.pk])).content.decode()
    assert ("3", "1", "Учеников на профессиональных пробах") in _bars(detail)
    home = client.get(reverse("home")).content.decode()
    # The region's targets (RegionTargetFactory: 75 navigators, 4,500 students) beside the facts.
    assert any(maximum == "4500" for maximum, _now, _label in _bars(home))
    assert any(maximum == "75" for maximum, _now, _label in _bars(home))


@pytest.mark.django_db
def test_without_targets_the_defaults_of_seed_003_apply(client, world):
    client.force_login(world.a.navigator.user)
    html = client.get(reverse("home")).content.decode()
    assert ("70", "0", "Зарегистрировано участников") in _bars(html) and "0 (план 10–20)" in html
