"""The booking's transaction on PostgreSQL: one `transaction.atomic()`, managed by Django like any other.

These tests hold what a transaction of its own must guarantee: a refusal or an error leaves no transaction open and no
lock held; `transaction.on_commit` runs after the commit, never inside the booking; a nested `atomic` (a savepoint)
does not end the transaction or release the student's lock; a booking inside a caller's `atomic` block is committed
or undone with it; and the booking returned is the row stored.
"""

import datetime as dt

import pytest
from django.db import DataError, connection, transaction

from participants.models import Student
from venues.models import Booking, Event
from venues.selectors.bookings import queue_position
from venues.services.booking import (
    BookingError,
    booking_create,
    claim,
    rules,
)
from venues.tests.booking_db import (
    committed_bookings,
    from_another_connection,
    idle,
    one_seat_online_event,
    student_is_free,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def online(school_world):
    return one_seat_online_event(school_world)


@pytest.fixture
def inside_the_booking(monkeypatch):
    """Run `work(student)` inside the booking's transaction, where the rules are decided (after the student's lock)."""

    def install(work):
        real = rules.refusal

        def refusal(**kwargs):
            work(kwargs["student"])
            return real(**kwargs)

        monkeypatch.setattr(rules, "refusal", refusal)

    return install


def test_a_booking_leaves_nothing_open_and_returns_the_row_stored(school_world, online):
    first, second = school_world.students(2)
    actor = school_world.navigator.user
    booking_create(actor=actor, event=online, student=first)

    booking = booking_create(actor=actor, event=online, student=second)

    assert booking.status == Booking.Status.WAITLISTED
    assert queue_position(booking) == 1
    assert idle() and student_is_free(second.pk)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.student_id, stored.event_id, stored.created_at) == (
        "waitlisted", second.pk, online.pk, booking.created_at
    )
    online.refresh_from_db()
    assert online.seats_taken == 1


def test_on_commit_runs_after_the_booking_is_committed(school_world, online, inside_the_booking):
    """Work a booking hands to `on_commit` (an email, a task) sees the booking committed, and never runs inside it."""
    (student,) = school_world.students(1)
    seen = []
    inside_the_booking(
        lambda student: transaction.on_commit(lambda: seen.append(committed_bookings(student.pk)))
    )

    booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert seen == [1]


def test_on_commit_inside_a_refused_booking_never_runs(school_world, online, inside_the_booking):
    (student,) = school_world.students(1)
    booking_create(actor=school_world.navigator.user, event=online, student=student)
    seen = []
    inside_the_booking(lambda student: transaction.on_commit(lambda: seen.append("ran")))

    with pytest.raises(BookingError):
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert seen == []


def test_a_nested_atomic_keeps_the_student_locked_and_nothing_committed(school_world, online, inside_the_booking):
    """A savepoint inside the booking (a helper with its own `atomic`) neither commits the booking early nor releases
    the student's lock."""
    (student,) = school_world.students(1)
    observed = []

    def nested(student):
        with transaction.atomic():
            Student.objects.filter(pk=student.pk).exists()
        observed.append((student_is_free(student.pk), committed_bookings(student.pk)))

    inside_the_booking(nested)

    booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert observed == [(False, 0)]
    assert idle() and student_is_free(student.pk) and committed_bookings(student.pk) == 1


def test_a_refusal_rolls_back_and_releases_the_student(school_world, online):
    (student,) = school_world.students(1)
    booking_create(actor=school_world.navigator.user, event=online, student=student)

    with pytest.raises(BookingError) as refused:
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert refused.value.rule == "already_booked"
    assert idle() and student_is_free(student.pk)
    assert Booking.objects.filter(student=student).count() == 1


def test_an_error_while_claiming_the_seat_rolls_back_and_is_not_hidden(school_world, online, monkeypatch):
    (student,) = school_world.students(1)

    def failing(event):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(claim, "_claim_seat", failing)
    with pytest.raises(DataError):
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert idle() and student_is_free(student.pk)
    assert not Booking.objects.filter(student=student).exists()
    online.refresh_from_db()
    assert online.seats_taken == 0


def test_when_the_rollback_itself_fails_the_connection_is_closed_and_the_refusal_still_reported(
    school_world, online, monkeypatch
):
    (student,) = school_world.students(1)

    killed = []

    def refuse_after_losing_the_server(**kwargs):
        killed.append(connection.connection.get_backend_pid())
        from_another_connection("SELECT pg_terminate_backend(%s)", killed)
        return BookingError("refused", "test")

    monkeypatch.setattr(rules, "refusal", refuse_after_losing_the_server)
    with pytest.raises(BookingError) as raised:
        booking_create(actor=school_world.navigator.user, event=online, student=student)
    monkeypatch.undo()

    assert raised.value.rule == "test"  # the refusal on its way out, not the failed ROLLBACK
    # Django closed the broken connection and opened a new one: nothing later runs inside the broken transaction.
    assert connection.connection.get_backend_pid() not in killed and idle()
    assert not Booking.objects.filter(student=student).exists()  # and the next query simply reconnects


def test_a_stale_copy_of_the_event_is_read_again(school_world, online):
    """The caller's copy of the event is stale (the event was moved meanwhile): the booking reads the event again
    and decides on its current terms."""
    (student,) = school_world.students(1)
    stale = Event.objects.select_related("campaign").get(pk=online.pk)
    Event.objects.filter(pk=online.pk).update(starts_at=online.starts_at + dt.timedelta(hours=1))

    booking = booking_create(actor=school_world.navigator.user, event=stale, student=student)

    assert booking.status == Booking.Status.CONFIRMED
    online.refresh_from_db()
    assert online.seats_taken == 1
    assert idle()


def test_an_event_moved_between_the_rules_and_the_seat_is_decided_again_under_the_event_lock(
    school_world, online, inside_the_booking
):
    """The event is moved after the rules were decided and before the seat is claimed: the claim finds another time,
    and under the event's lock the rules are decided again on it (here the new time overlaps another booking)."""
    (student,) = school_world.students(1)
    elsewhere = school_world.event(mode=Event.Mode.ONLINE, address="", online_url="https://video.example/o",
                                   starts_at=online.starts_at + dt.timedelta(days=1))
    booking_create(actor=school_world.navigator.user, event=elsewhere, student=student)
    moved = []

    def move_the_event(student):
        if moved:
            return  # once: asked again under the event's lock, the other session would wait for this one
        moved.append(True)
        from_another_connection(
            "UPDATE venues_event SET starts_at = %s, ends_at = %s WHERE id = %s RETURNING id",
            [elsewhere.starts_at, elsewhere.ends_at, online.pk],
        )

    inside_the_booking(move_the_event)

    with pytest.raises(BookingError) as refused:
        booking_create(actor=school_world.navigator.user, event=online, student=student)

    assert refused.value.rule == "overlap"
    assert not Booking.objects.filter(student=student, event=online).exists()
    online.refresh_from_db()
    assert online.seats_taken == 0


def test_inside_the_callers_atomic_block_nothing_is_committed_behind_its_back(school_world, online):
    (student,) = school_world.students(1)

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        with transaction.atomic():
            booking = booking_create(actor=school_world.navigator.user, event=online, student=student)
            assert booking.status == Booking.Status.CONFIRMED
            assert committed_bookings(student.pk) == 0
            raise Undo

    assert not Booking.objects.filter(student=student).exists()
    online.refresh_from_db()
    assert online.seats_taken == 0
