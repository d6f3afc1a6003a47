"""Capacity and the per-student rules hold under real concurrency (issue 4, "Done means"), on PostgreSQL.

Each thread has its own database connection and runs the real service: the races are the database's, not simulated.
This PostgreSQL allows 100 connections shared by every test database on the machine, so at most `IN_FLIGHT` threads
hold a connection at once (each closes it when done); that is still dozens of transactions queuing on one event row.
"""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from regions.tests.factories import UserFactory
from venues.models import Booking, Event
from venues.services.booking import (
    BookingBusy,
    BookingError,
    booking_cancel,
    booking_create,
    rules,
)
from venues.services.booking.facts import student_facts, voice

# serialized_rollback: the flush after each test leaves the data migrations' rows (and content types) as the next
# transactional test expects them.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

IN_FLIGHT = 40


def _free_connections() -> int:
    """Connections this PostgreSQL still accepts, less a margin for everyone else's tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - (SELECT count(*) FROM pg_stat_activity)")
        return cursor.fetchone()[0] - 10


def race(jobs) -> list:
    """Start every job at the same moment, each in its own thread and connection; return what each returned or raised."""
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))
    slots = threading.BoundedSemaphore(max(8, min(IN_FLIGHT, _free_connections())))

    def run(index, job):
        barrier.wait()
        with slots:
            try:
                results[index] = job()
            except BookingBusy as busy:
                results[index] = busy
            except BookingError as error:
                results[index] = error
            except Exception as unexpected:  # noqa: BLE001 - recorded, then the test fails on it
                results[index] = unexpected
            finally:
                connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking thread hung"
    return results


def outcome(result) -> str:
    if isinstance(result, Booking):
        return result.status
    if isinstance(result, BookingError):
        return f"refused:{result.rule}"
    return f"crashed:{result!r}"


def may_be_promoted(event: Event, student) -> bool:
    facts = student_facts(student=student, event=event)
    refusal = rules.refusal(event=event, student=student, facts=facts, voice=voice(None, student),
                            now=timezone.now(), promotion=True)
    return refusal is None


def assert_seats_consistent(event: Event):
    event.refresh_from_db()
    confirmed = Booking.objects.filter(event=event, status=Booking.Status.CONFIRMED).count()
    assert event.seats_taken == confirmed <= event.capacity
    return confirmed


def test_hundred_students_race_for_twenty_seats(school_world):
    event = school_world.event(capacity=20, mode=Event.Mode.ONLINE, address="", online_url="https://video.example/r")
    students = school_world.students(100)
    actor_id = school_world.navigator.user_id

    def book(student):
        from bilet.models import User

        return lambda: booking_create(actor=User.objects.get(pk=actor_id), event=event, student=student)

    results = race([book(s) for s in students])

    assert Counter(outcome(r) for r in results) == {"confirmed": 20, "waitlisted": 80}
    assert assert_seats_consistent(event) == 20
    # The queue is in the order the places were taken.
    waiting = list(Booking.objects.filter(event=event, status="waitlisted").order_by("created_at", "pk"))
    assert len(waiting) == 80
    assert all(a.created_at <= b.created_at for a, b in zip(waiting, waiting[1:]))
    assert connection.vendor == "postgresql"


def test_seat_claims_racing_with_the_event_being_cancelled(school_world):
    """The seat is claimed by one conditional UPDATE at the end, against the terms the rules were decided on: a
    booking either commits before the cancellation (and is counted) or sees it and is refused; never a seat on a
    cancelled event taken after it, never a count that disagrees with the bookings."""
    event = school_world.event(capacity=60, mode=Event.Mode.ONLINE, address="", online_url="https://video.example/r")
    students = school_world.students(40)
    actor_id = school_world.navigator.user_id
    snapshot = Event.objects.select_related("campaign").get(pk=event.pk)

    def book(student):
        from bilet.models import User

        return lambda: booking_create(actor=User.objects.get(pk=actor_id), event=snapshot, student=student)

    def cancel_event():
        return Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    jobs = [book(s) for s in students]
    jobs.insert(20, cancel_event)
    results = race(jobs)

    outcomes = Counter(outcome(r) for i, r in enumerate(results) if i != 20)
    assert set(outcomes) <= {"confirmed", "refused:event_cancelled"}, outcomes
    assert sum(outcomes.values()) == 40
    assert assert_seats_consistent(event) == outcomes["confirmed"]


def test_one_student_sending_the_same_booking_ten_times(school_world):
    event = school_world.event(capacity=5)
    (student,) = school_world.students(1)
    student.user = UserFactory()
    student.save()
    user_id = student.user_id

    def book():
        from bilet.models import User

        return booking_create(actor=User.objects.get(pk=user_id), event=event, student=student)

    results = race([book] * 10)

    outcomes = Counter(outcome(r) for r in results)
    assert outcomes["confirmed"] + outcomes["refused:already_booked"] == 10, outcomes
    assert Booking.objects.filter(event=event, student=student).count() == 1
    assert {r.pk for r in results if isinstance(r, Booking)} == {Booking.objects.get(event=event).pk}
    assert assert_seats_consistent(event) == 1


@pytest.mark.parametrize("kind", ["overlapping", "in_person"])
def test_one_student_racing_for_two_events_gets_at_most_one(school_world, kind):
    start = timezone.now() + dt.timedelta(days=10)
    if kind == "overlapping":
        first = school_world.event(mode=Event.Mode.ONLINE, address="", online_url="https://video.example/1", starts_at=start)
        second = school_world.event(mode=Event.Mode.ONLINE, address="", online_url="https://video.example/2",
                                    starts_at=start + dt.timedelta(minutes=30))
        rule = "refused:overlap"
    else:
        first = school_world.event(starts_at=start)
        second = school_world.event(starts_at=start + dt.timedelta(days=3))
        rule = "refused:limit_offline"
    (student,) = school_world.students(1)
    actor_id = school_world.navigator.user_id

    def book(event):
        from bilet.models import User

        return lambda: booking_create(actor=User.objects.get(pk=actor_id), event=event, student=student)

    results = race([book(first), book(second)] * 5)

    outcomes = Counter(outcome(r) for r in results)
    assert outcomes["confirmed"] == 1, outcomes
    assert set(outcomes) <= {"confirmed", "refused:already_booked", rule}, outcomes
    assert Booking.objects.filter(student=student, status="confirmed").count() == 1
    assert assert_seats_consistent(first) + assert_seats_consistent(second) == 1


def test_cancellations_racing_with_bookings_never_leave_a_seat_unused_while_someone_waits(school_world):
    event = school_world.event(capacity=20)
    other_in_person = school_world.event(starts_at=timezone.now() + dt.timedelta(days=20), capacity=100)
    elsewhere = school_world.event(mode=Event.Mode.ONLINE, address="", online_url="https://video.example/e",
                                   starts_at=timezone.now() + dt.timedelta(days=30), capacity=100)
    holders = school_world.students(20)
    waiting = school_world.students(30)
    newcomers = school_world.students(15)
    navigator = school_world.navigator.user
    for student in holders + waiting:
        booking_create(actor=navigator, event=event, student=student)
    # Five of the queue take another in-person event meanwhile: they may not be promoted (one in person per campaign).
    for student in waiting[:5]:
        assert booking_create(actor=navigator, event=other_in_person, student=student).status == "confirmed"
    assert assert_seats_consistent(event) == 20
    actor_id = navigator.pk

    def as_navigator(action):
        def job():
            from bilet.models import User

            return action(User.objects.get(pk=actor_id))
        return job

    jobs = []
    for student in holders[:15]:
        booking = Booking.objects.get(event=event, student=student)
        jobs.append(as_navigator(lambda user, b=booking: booking_cancel(actor=user, booking=b)))
    for student in newcomers:
        jobs.append(as_navigator(lambda user, s=student: booking_create(actor=user, event=event, student=s)))
    # People at the head of the queue are busy booking elsewhere while seats are handed to them: the lock order
    # (students before the event) must keep this from deadlocking.
    for student in waiting[5:15]:
        jobs.append(as_navigator(lambda user, s=student: booking_create(actor=user, event=elsewhere, student=s)))

    results = race(jobs)

    crashed = [r for r in results if not isinstance(r, Booking)]
    assert crashed == [], [outcome(r) for r in crashed]
    confirmed = assert_seats_consistent(event)
    assert_seats_consistent(elsewhere)
    event.refresh_from_db()
    still_waiting = Booking.objects.filter(event=event, status="waitlisted").select_related("student")
    eligible_waiting = [b for b in still_waiting if may_be_promoted(event, b.student)]
    # The invariant: nobody who could take a seat waits while a seat is free.
    assert not eligible_waiting or confirmed == event.capacity
    # Here 15 seats were freed for 25 eligible waiting students, so the event is full again; the five who hold
    # another in-person seat were skipped, and the newcomers joined the end of the queue.
    assert confirmed == event.capacity
    assert len(eligible_waiting) == 25 - 15 + 15
    assert not Booking.objects.filter(event=event, status="confirmed", student_id__in=[s.pk for s in waiting[:5]]).exists()
    assert not Booking.objects.filter(event=event, status="confirmed", student_id__in=[s.pk for s in newcomers]).exists()


def _hold_student_lock(student, seconds: float, started: threading.Event):
    """Another transaction busy with `student` (say, booking elsewhere) for a while."""
    from django.db import transaction

    from participants.models import Student

    try:
        with transaction.atomic():
            Student.objects.select_for_update().get(pk=student.pk)
            started.set()
            threading.Event().wait(seconds)
    finally:
        connections.close_all()


def test_a_busy_waiting_student_gets_the_seat_once_free(school_world):
    """The only waiting student is locked by their own transaction when the seat is freed: the cancellation does not
    wait for them, and the promotion that follows it gives them the seat once they are done."""
    event = school_world.event(capacity=1, mode=Event.Mode.ONLINE, address="", online_url="https://video.example/b")
    holder, waiting = school_world.students(2)
    navigator = school_world.navigator.user
    held = booking_create(actor=navigator, event=event, student=holder)
    assert booking_create(actor=navigator, event=event, student=waiting).status == "waitlisted"
    started = threading.Event()
    busy = threading.Thread(target=_hold_student_lock, args=(waiting, 1.0, started))
    busy.start()
    started.wait(10)
    booking_cancel(actor=navigator, booking=held)
    busy.join()
    assert Booking.objects.get(event=event, student=waiting).status == "confirmed"
    assert assert_seats_consistent(event) == 1


def test_a_busy_head_of_the_queue_keeps_their_turn(school_world):
    """First come, first served: the seat waits for the head of the queue while they are busy elsewhere, it is not
    handed to the next one; a newcomer meanwhile joins the queue."""
    event = school_world.event(capacity=1, mode=Event.Mode.ONLINE, address="", online_url="https://video.example/c")
    holder, first, second, newcomer = school_world.students(4)
    navigator = school_world.navigator.user
    held = booking_create(actor=navigator, event=event, student=holder)
    booking_create(actor=navigator, event=event, student=first)
    booking_create(actor=navigator, event=event, student=second)
    started = threading.Event()
    busy = threading.Thread(target=_hold_student_lock, args=(first, 1.0, started))
    busy.start()
    started.wait(10)

    def cancel():
        try:
            booking_cancel(actor=navigator, booking=held)  # its promotion, after the commit, waits for `first`
        finally:
            connections.close_all()

    canceller = threading.Thread(target=cancel)
    canceller.start()
    deadline = time.monotonic() + 10
    while Booking.objects.get(pk=held.pk).status != "cancelled" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert booking_create(actor=navigator, event=event, student=newcomer).status == "waitlisted"
    canceller.join()
    busy.join()
    assert Booking.objects.get(event=event, student=first).status == "confirmed"
    assert Booking.objects.get(event=event, student=second).status == "waitlisted"
    assert assert_seats_consistent(event) == 1


def test_a_promotion_that_finds_a_student_busy_too_long_is_retried(school_world, monkeypatch, short_lock_timeout):
    """The waiting student stays locked longer than the lock timeout: the promotion task gives up with BookingBusy
    and Celery runs it again (at once here, in-process; a worker waits with back-off) until the seat is given."""
    from bilet.celery import app

    # In-process, Celery retries a task only when its errors are not raised to the caller.
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    event = school_world.event(capacity=1, mode=Event.Mode.ONLINE, address="", online_url="https://video.example/d")
    holder, waiting = school_world.students(2)
    navigator = school_world.navigator.user
    held = booking_create(actor=navigator, event=event, student=holder)
    booking_create(actor=navigator, event=event, student=waiting)
    started = threading.Event()
    busy = threading.Thread(target=_hold_student_lock, args=(waiting, 1.0, started))
    busy.start()
    started.wait(10)
    booking_cancel(actor=navigator, booking=held)
    busy.join()
    assert Booking.objects.get(event=event, student=waiting).status == "confirmed"
    assert assert_seats_consistent(event) == 1
