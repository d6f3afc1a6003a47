import pytest

from participants.selectors import student_list
from venues.selectors import booking_list, event_list


@pytest.mark.django_db
def test_world_coordinator_sees_only_own_region(world):
    user = world.a.coordinator.user
    assert set(student_list(user=user)) == {world.a.student, world.a.sibling, world.a.other_student}
    assert set(event_list(user=user)) == {world.a.event, world.a.other_event}
    assert set(booking_list(user=user)) == {world.a.booking, world.a.other_booking}


@pytest.mark.django_db
def test_world_guardian_sees_own_children(world):
    assert set(student_list(user=world.a.guardian.user)) == {world.a.student, world.a.sibling}
    assert set(booking_list(user=world.a.guardian.user)) == {world.a.booking}
