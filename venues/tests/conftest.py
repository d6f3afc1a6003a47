"""Fixtures shared by the booking tests that run on PostgreSQL with real transactions."""

import datetime as dt

import pytest
from django.utils import timezone

from participants.tests.factories import ConsentFactory, NavigatorFactory, StudentFactory
from regions.tests.factories import CampaignFactory, SchoolFactory, UserFactory
from venues.tests.factories import EventFactory, VenueFactory


@pytest.fixture
def school_world(require_postgres):
    campaign = CampaignFactory(name="Кампания 2026 (гонки)")
    school = SchoolFactory()
    navigator = NavigatorFactory(school=school, user=UserFactory())
    venue = VenueFactory(municipality=school.municipality)

    def students(n):
        made = [StudentFactory(school=school) for _ in range(n)]
        for student in made:
            ConsentFactory(student=student)
        return made

    def event(**kwargs):
        kwargs.setdefault("starts_at", timezone.now() + dt.timedelta(days=10))
        return EventFactory(venue=venue, campaign=campaign, **kwargs)

    return type("SchoolWorld", (), {"campaign": campaign, "navigator": navigator, "students": staticmethod(students),
                                   "event": staticmethod(event)})
