"""The waiting list: first come, first served; a freed seat goes to the first waiting student who still passes every
rule (the others keep their place); cancellation deadlines; who may cancel.

A cancellation hands the freed seat to the waiting list through a Celery task sent after its commit (run in-process
here): `cancel` below runs the commit's callbacks, as a committed request would."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from participants.tests.factories import ConsentFactory, GuardianFactory, StudentFactory
from regions.tests.factories import UserFactory
from venues.models import Booking, Event
from venues.services.booking import (
    BookingError,
    booking_cancel,
    booking_create,
    waitlist_promote,
)
from venues.tests.factories import BookingFactory, EventFactory


@pytest.fixture
def full_event(world):
    """An online event with 1 seat taken by a.other_student, and a queue: a.student, then a.sibling."""
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1,
                         starts_at=timezone.now() + dt.timedelta(days=10), title="Робототехника")
    taken = booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    first = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    second = booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    assert (taken.status, first.status, second.status) == ("confirmed", "waitlisted", "waitlisted")
    return event


@pytest.fixture
def cancel(django_capture_on_commit_callbacks):
    """`booking_cancel`, then what its commit starts: the promotion task and the emails it sends."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return booking_cancel(**kwargs)

    return run


def _newcomer_books(world, event) -> str:
    """A student who passes every rule books themself onto `event`: the status they get."""
    newcomer = StudentFactory(school=world.a.school, user=UserFactory())
    ConsentFactory(student=newcomer)
    return booking_create(actor=newcomer.user, event=event, student=newcomer).status


def _status(student, event) -> str:
    return Booking.objects.filter(student=student, event=event).exclude(status="cancelled").get().status


def test_freed_seat_goes_to_the_first_in_the_queue_and_they_are_told(world, full_event, cancel):
    taken = Booking.objects.get(event=full_event, student=world.a.other_student)
    cancelled = cancel(actor=world.a.other_guardian.user, booking=taken)
    assert cancelled.status == Booking.Status.CANCELLED and cancelled.cancelled_at is not None
    assert _status(world.a.student, full_event) == "confirmed"
    assert _status(world.a.sibling, full_event) == "waitlisted"
    full_event.refresh_from_db()
    assert full_event.seats_taken == 1
    # The promoted student and their guardian, once each; nobody else.
    assert sorted(m.to[0] for m in mail.outbox) == ["guardian71@test.example", "student71@test.example"]
    message = mail.outbox[0]
    assert message.subject == "Для вас освободилось место: «Робототехника»"
    assert "освободилось место, и оно ваше" in message.body
    assert world.a.student.full_name in message.body
    assert "https://video.example/room" in message.body


def test_the_freed_seat_is_held_for_the_queue_until_the_promotion_runs(
    world, full_event, django_capture_on_commit_callbacks
):
    """The cancellation promotes nobody itself: it holds the seat (a newcomer cannot take it) and sends the
    promotion task after its commit; nothing is sent if it never commits."""
    with django_capture_on_commit_callbacks() as callbacks:
        booking_cancel(actor=world.a.other_student.user,
                       booking=Booking.objects.get(event=full_event, student=world.a.other_student))
    assert len(callbacks) == 1
    assert mail.outbox == []
    assert _status(world.a.student, full_event) == "waitlisted"
    full_event.refresh_from_db()
    assert full_event.seats_taken == 1
    assert _newcomer_books(world, full_event) == "waitlisted"


def test_queue_order_is_first_come_first_served(world, full_event, cancel):
    # Make the sibling the earlier one: the order is the time of joining, not the id.
    Booking.objects.filter(event=full_event, student=world.a.sibling).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    cancel(actor=world.a.other_student.user, booking=Booking.objects.get(event=full_event, student=world.a.other_student))
    assert _status(world.a.sibling, full_event) == "confirmed"
    assert _status(world.a.student, full_event) == "waitlisted"


def test_a_waiting_student_who_no_longer_passes_a_rule_is_skipped_and_keeps_their_place(world, full_event, cancel):
    # a.student is waiting first, but meanwhile used up the campaign's total.
    world.campaign.max_events_per_student = 2
    world.campaign.save()
    assert Booking.objects.filter(student=world.a.student, status="confirmed").count() == 1  # a.event (in person)
    extra = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(days=30))
    booking_create(actor=world.a.student.user, event=extra, student=world.a.student)
    cancel(actor=world.a.other_student.user, booking=Booking.objects.get(event=full_event, student=world.a.other_student))
    assert _status(world.a.student, full_event) == "waitlisted"
    assert _status(world.a.sibling, full_event) == "confirmed"


def test_in_person_limit_is_checked_again_on_promotion(world, cancel):
    event = EventFactory(venue=world.a.other_venue, campaign=world.campaign, capacity=1,
                         starts_at=timezone.now() + dt.timedelta(days=12))
    holder = booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    waiting = booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    assert waiting.status == "waitlisted"
    # Meanwhile the sibling takes another in-person event: the one allowed in person is used.
    booking_create(actor=world.a.guardian.user, event=world.a.event, student=world.a.sibling)
    cancel(actor=world.a.other_student.user, booking=holder)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"
    event.refresh_from_db()
    assert event.seats_taken == 0
    # The promotion released the seat nobody waiting could take: someone who passes every rule gets it directly.
    assert _newcomer_books(world, event) == "confirmed"


def test_overlap_is_checked_again_on_promotion(world, full_event, cancel):
    clash = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, starts_at=full_event.starts_at)
    booking_create(actor=world.a.guardian.user, event=clash, student=world.a.student)
    cancel(actor=world.a.other_student.user, booking=Booking.objects.get(event=full_event, student=world.a.other_student))
    assert _status(world.a.student, full_event) == "waitlisted"
    assert _status(world.a.sibling, full_event) == "confirmed"


def test_an_anonymised_student_is_not_promoted(world, full_event, cancel):
    world.a.student.anonymised_at = timezone.now()
    world.a.student.save()
    cancel(actor=world.a.other_student.user, booking=Booking.objects.get(event=full_event, student=world.a.other_student))
    assert _status(world.a.sibling, full_event) == "confirmed"


def test_a_place_taken_inside_the_window_is_promoted_after_the_window_closed(world, full_event, cancel):
    world.campaign.booking_closes_at = timezone.now() - dt.timedelta(minutes=1)
    world.campaign.booking_opens_at = timezone.now() - dt.timedelta(days=60)
    world.campaign.save()
    cancel(actor=world.a.other_student.user, booking=Booking.objects.get(event=full_event, student=world.a.other_student))
    assert _status(world.a.student, full_event) == "confirmed"


def test_leaving_the_waiting_list_frees_no_seat_and_promotes_nobody(world, full_event):
    waiting = Booking.objects.get(event=full_event, student=world.a.student)
    left = booking_cancel(actor=world.a.student.user, booking=waiting)
    assert left.status == "cancelled"
    full_event.refresh_from_db()
    assert full_event.seats_taken == 1
    assert _status(world.a.sibling, full_event) == "waitlisted"


def test_cancellation_deadline(world):
    world.campaign.cancel_hours_before = 24
    world.campaign.save()
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(hours=10))
    booking = booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    with pytest.raises(BookingError) as caught:
        booking_cancel(actor=world.a.guardian.user, booking=booking)
    deadline = timezone.localtime(event.starts_at - dt.timedelta(hours=24))
    assert caught.value.rule == "cancel_deadline"
    assert caught.value.message.startswith("Отменить запись можно не позднее чем за 24 часа до начала — этот срок истёк ")
    assert caught.value.message.endswith(f"{deadline:%H:%M}.")
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_cancellation_deadline_of_one_hour_speaks_of_one_hour(world):
    world.campaign.cancel_hours_before = 1
    world.campaign.save()
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(minutes=30))
    booking = booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    with pytest.raises(BookingError) as caught:
        booking_cancel(actor=world.a.guardian.user, booking=booking)
    assert "не позднее чем за 1 час до начала" in caught.value.message


def test_cancellation_before_the_deadline(world):
    booking = world.a.booking  # a.event starts in 7 days, the deadline is 24 h before
    assert booking_cancel(actor=world.a.student.user, booking=booking).status == "cancelled"
    world.a.event.refresh_from_db()
    assert world.a.event.seats_taken == 0


def test_leaving_the_waiting_list_is_allowed_after_the_deadline(world):
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1,
                         starts_at=timezone.now() + dt.timedelta(hours=2))
    booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    waiting = booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    assert booking_cancel(actor=world.a.guardian.user, booking=waiting).status == "cancelled"


@pytest.mark.parametrize("status", ["cancelled", "attended", "no_show"])
def test_only_active_bookings_can_be_cancelled(world, status):
    Booking.objects.filter(pk=world.a.booking.pk).update(status=status)
    with pytest.raises(BookingError) as caught:
        booking_cancel(actor=world.a.student.user, booking=world.a.booking)
    assert (caught.value.rule, caught.value.message) == ("not_active", "Запись уже не действует — отменять нечего.")


@pytest.mark.parametrize("who", ["other_guardian", "other_navigator", "coordinator", "venue_staff"])
def test_only_the_student_their_guardian_or_navigator_may_cancel(world, who):
    with pytest.raises(BookingError) as caught:
        booking_cancel(actor=getattr(world.a, who).user, booking=world.a.booking)
    assert caught.value.rule == "not_allowed"
    assert caught.value.message == "Отменить можно только свою запись, запись своего ребёнка или ученика своей школы."
    world.a.booking.refresh_from_db()
    assert world.a.booking.status == "confirmed"


@pytest.mark.parametrize("who", ["student", "guardian", "navigator"])
def test_the_student_their_guardian_and_navigator_may_cancel(world, who):
    assert booking_cancel(actor=getattr(world.a, who).user, booking=world.a.booking).status == "cancelled"


def test_raising_the_capacity_promotes_the_queue(world, full_event):
    Event.objects.filter(pk=full_event.pk).update(capacity=3)
    promoted = waitlist_promote(event=full_event)
    assert [b.student for b in promoted] == [world.a.student, world.a.sibling]
    full_event.refresh_from_db()
    assert full_event.seats_taken == 3


def test_a_cancelled_event_promotes_nobody(world, full_event):
    Event.objects.filter(pk=full_event.pk).update(capacity=3, status=Event.Status.CANCELLED)
    assert waitlist_promote(event=full_event) == []


def test_guardian_of_two_promoted_children_is_told_once(world, full_event, django_capture_on_commit_callbacks):
    Event.objects.filter(pk=full_event.pk).update(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_promote(event=full_event)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["guardian71@test.example", "student71@test.example"]
    assert "записи подтверждены" in mail.outbox[0].body


def test_a_second_guardian_is_told_too(world, full_event, cancel):
    GuardianFactory(user=UserFactory(email="father71@test.example"), children=[world.a.student])
    cancel(actor=world.a.other_student.user, booking=Booking.objects.get(event=full_event, student=world.a.other_student))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "father71@test.example", "guardian71@test.example", "student71@test.example",
    ]


def test_waitlisted_booking_by_factory_without_seat_bookkeeping_still_promotes(world, cancel):
    """A queue entry made by any path (here a factory) is promoted like one made by the service."""
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1)
    holder = BookingFactory(event=event, student=world.a.other_student)
    Event.objects.filter(pk=event.pk).update(seats_taken=1)
    BookingFactory(event=event, student=world.a.sibling, status=Booking.Status.WAITLISTED)
    cancel(actor=world.a.other_student.user, booking=holder)
    assert _status(world.a.sibling, event) == "confirmed"
