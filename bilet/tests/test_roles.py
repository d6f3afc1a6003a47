"""get_roles reads every role of a user in one query, and reads them right."""

import pytest

from bilet.roles import get_roles
from regions.tests.factories import CoordinatorFactory, UserFactory
from venues.tests.factories import VenueStaffFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_each_role_of_the_world(world, django_assert_num_queries):
    a, b = world.a, world.b
    expected = {
        a.coordinator.user: ("coordinator_region_ids", frozenset({a.region.pk})),
        a.navigator.user: ("navigator_school_ids", frozenset({a.school.pk})),
        a.venue_staff.user: ("venue_ids", frozenset({a.venue.pk})),
        a.mentor.user: ("mentor_id", a.mentor.pk),
        a.guardian.user: ("guardian_id", a.guardian.pk),
        a.student.user: ("student_id", a.student.pk),
        world.curator.user: ("curator_region_ids", frozenset({a.region.pk})),
    }
    for user, (field, value) in expected.items():
        user = _fresh(user)
        with django_assert_num_queries(1):
            roles = get_roles(user)
        assert getattr(roles, field) == value, field
        assert len(roles.names) == 1, roles.names
    assert get_roles(_fresh(world.operator)).names == ["operator"]
    assert get_roles(_fresh(b.student.user)).student_id == b.student.pk


def test_several_roles_at_once(world, django_assert_num_queries):
    a, b = world.a, world.b
    user = a.coordinator.user
    CoordinatorFactory(user=user, region=b.region)
    VenueStaffFactory(user=user, venue=a.venue)
    VenueStaffFactory(user=user, venue=b.other_venue)
    user = _fresh(user)
    with django_assert_num_queries(1):
        roles = get_roles(user)
    assert roles.coordinator_region_ids == {a.region.pk, b.region.pk}
    assert roles.venue_ids == {a.venue.pk, b.other_venue.pk}
    assert roles.names == ["coordinator", "venue_staff"]
    with django_assert_num_queries(0):
        assert get_roles(user) is roles  # cached for the rest of the request


def test_no_roles(db):
    user = UserFactory()
    assert not get_roles(user)
    assert get_roles(None).names == []
