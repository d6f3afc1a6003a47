"""The `world` fixture: two regions with one of everything each, so every test can ask "mine" and "another's"."""

from types import SimpleNamespace

import pytest

from participants.tests.factories import ConsentFactory, GuardianFactory, NavigatorFactory, StudentFactory
from regions.tests.factories import (
    CampaignFactory,
    CoordinatorFactory,
    CuratorFactory,
    MunicipalityFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from venues.tests.factories import (
    BookingFactory,
    EventFactory,
    MentorFactory,
    VenueCampaignFactory,
    VenueFactory,
    VenueStaffFactory,
)

PASSWORD = "test-pass-2026"


def _region_world(code: str, name: str, campaign):
    region = RegionFactory(code=code, name=name)
    municipality = MunicipalityFactory(region=region, name=f"{name}: город")
    other_municipality = MunicipalityFactory(region=region, name=f"{name}: район")
    school = SchoolFactory(municipality=municipality, short_name=f"Школа № 1 ({name})")
    other_school = SchoolFactory(municipality=other_municipality, short_name=f"Школа № 2 ({name})")
    coordinator = CoordinatorFactory(region=region, user=UserFactory(email=f"coordinator{code}@test.example"))
    navigator = NavigatorFactory(school=school, user=UserFactory(email=f"navigator{code}@test.example"))
    other_navigator = NavigatorFactory(school=other_school, user=UserFactory(email=f"navigator{code}b@test.example"))
    student = StudentFactory(school=school, user=UserFactory(email=f"student{code}@test.example"), last_name=f"Студентова{code}")
    sibling = StudentFactory(school=school, last_name=f"Сестрова{code}")
    other_student = StudentFactory(school=other_school, user=UserFactory(email=f"student{code}b@test.example"), last_name=f"Чужакова{code}")
    for s in (student, sibling, other_student):
        ConsentFactory(student=s)
    guardian = GuardianFactory(user=UserFactory(email=f"guardian{code}@test.example"), children=[student, sibling])
    other_guardian = GuardianFactory(user=UserFactory(email=f"guardian{code}b@test.example"), children=[other_student])
    venue = VenueFactory(municipality=municipality, short_name=f"Колледж ({name})")
    other_venue = VenueFactory(municipality=other_municipality, short_name=f"Техникум ({name})")
    for v in (venue, other_venue):
        VenueCampaignFactory(venue=v, campaign=campaign)
    venue_staff = VenueStaffFactory(venue=venue, user=UserFactory(email=f"venue{code}@test.example"))
    other_venue_staff = VenueStaffFactory(venue=other_venue, user=UserFactory(email=f"venue{code}b@test.example"))
    mentor = MentorFactory(region=region, user=UserFactory(email=f"mentor{code}@test.example"))
    mentor.venues.add(venue)
    event = EventFactory(venue=venue, campaign=campaign, title=f"Проба ({name})")
    event.mentors.add(mentor)
    other_event = EventFactory(venue=other_venue, campaign=campaign, online=True, title=f"Онлайн-проба ({name})")
    booking = BookingFactory(event=event, student=student)
    other_booking = BookingFactory(event=other_event, student=other_student)
    for e in (event, other_event):
        e.seats_taken = 1
        e.save(update_fields=["seats_taken"])
    return SimpleNamespace(**locals())


@pytest.fixture
def world(db):
    """Region "a" (with a curator) and region "b", each with one of every record and role."""
    campaign = CampaignFactory(name="Кампания 2026")
    a = _region_world("71", "Тульская область", campaign)
    b = _region_world("67", "Смоленская область", campaign)
    curator = CuratorFactory(user=UserFactory(email="curator@test.example"), regions=[a.region])
    operator = UserFactory(email="operator@test.example", is_staff=True, is_superuser=True)
    return SimpleNamespace(a=a, b=b, campaign=campaign, curator=curator, operator=operator)
