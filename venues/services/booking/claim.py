"""Booking a place: one transaction for every path and every database.

Inside `transaction.atomic()` (`bilet.db.locked_write`; the connection bounds lock waits), a booking locks the student
and reads them with their consent, then reads the event with its campaign and the student's bookings in one
statement, decides every rule (`rules.refusal`) and inserts the booking. Only then is the event's row touched: the
seat is claimed by one conditional UPDATE (a free seat, the event still published at the same time), the last
statement before the commit, so a popular event's row is locked only from that statement to the commit. A booking
that finds no seat, or an event that changed meanwhile, locks the event's row and settles under that lock: the rules
again on the event's current terms, then a seat if one is free, else a place at the end of the waiting list. Every
place in the queue is thus taken under the lock a cancellation takes before it looks at the queue (`waitlist.py`), so
a seat it frees goes to this booking or, through the queue, to the waiting list.

The unique index of active bookings and the CHECK `seats_taken <= capacity` are the last line of defence.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db import IntegrityError, connection
from django.db.models import F
from django.utils import timezone

from bilet.db import execute_prepared, locked_write
from participants.models import Student

from ...models import Booking, Event
from ..notifications import bookings_confirmed_tell_soon
from . import rules
from .facts import event_with_bookings, facts_about, may_act_for, student_facts, voice
from .locks import lock_event, lock_student
from .messages import BookingBusy, BookingError


def booking_refusal(*, actor, event: Event, student: Student) -> BookingError | None:
    """Why `actor` cannot book `student` onto `event` now, or None (then a full event offers the waiting list).

    Read-only and without locks: for the event page; `booking_create` decides again under the locks."""
    return rules.refusal(
        event=event, student=student, facts=student_facts(student=student, event=event),
        voice=voice(actor, student), now=timezone.now(), may_act=may_act_for(actor, student),
    )


def booking_create(*, actor, event: Event, student: Student) -> Booking:
    """A confirmed booking, or a place on the waiting list when the event is full. Raises BookingError (BookingBusy
    when the rows stayed locked too long). The event is read again inside the transaction: `event` gives its key."""
    return _answering_races(
        lambda: _book(actor=actor, event_id=event.pk, student_lookup={"pk": student.pk}),
        lambda: Booking.objects.filter(event_id=event.pk, student_id=student.pk),
    )


def booking_create_self(*, actor, event_id: int) -> Booking | None:
    """A student books themself onto the published event `event_id`, found by its key and by the actor's student
    record, so the request needs no read of the user's roles or of the event beforehand.

    None, with nothing written, when the actor is not a student or no published event has this key: the caller then
    takes the general way (`event_public_get`, whom to book, `booking_create`), which answers those cases."""
    return _answering_races(
        lambda: _book(actor=actor, event_id=event_id, student_lookup={"user_id": actor.pk}, published_only=True),
        lambda: Booking.objects.filter(event_id=event_id, student__user=actor),
    )


def bookings_create_for_students(*, actor, event: Event, students) -> list[tuple[Student, Booking | None, BookingError | None]]:
    """A navigator's class booking: one line per student. Each student is booked in a transaction of their own, so
    one refusal (or the event filling up) does not undo the others."""
    lines = []
    for student in students:
        try:
            lines.append((student, booking_create(actor=actor, event=event, student=student), None))
        except BookingError as error:
            lines.append((student, None, error))
    return lines


def _answering_races(book, bookings_of_the_student_here):
    """`book()`; if the unique index refused a second active booking of the student on the event (a writer that
    skipped the student's lock booked first), the answer is the booking that won: asking again is harmless."""
    try:
        return book()
    except IntegrityError:
        existing = bookings_of_the_student_here().filter(status__in=Booking.ACTIVE).first()
        if existing is None:
            raise
        return existing


@locked_write(busy=BookingBusy)
def _book(*, actor, event_id: int, student_lookup: dict, published_only: bool = False) -> Booking | None:
    student = lock_student(**student_lookup)
    if student is None:
        if published_only:
            return None
        raise Student.DoesNotExist
    # A statement after the student's lock was granted: every booking of theirs committed before it is seen.
    event, rows = event_with_bookings(event_id=event_id, student_id=student.pk)
    if published_only and (event is None or event.status != Event.Status.PUBLISHED):
        return None
    if event is None:
        raise Event.DoesNotExist
    speaks_to = voice(actor, student)
    may_act = may_act_for(actor, student)

    def refuse_on(current: Event, now: dt.datetime) -> None:
        facts = facts_about(event=current, has_consent=student.has_consent, rows=rows)
        refusal = rules.refusal(event=current, student=student, facts=facts, voice=speaks_to, now=now, may_act=may_act)
        if refusal is not None:
            raise refusal

    now = timezone.now()
    refuse_on(event, now)
    # A confirmed place is told to the family from the booking itself (`notify_pending`, services.notifications).
    booking = Booking(event=event, student=student, booked_by_id=getattr(actor, "pk", None),
                      status=Booking.Status.CONFIRMED, notify_pending=True)
    if event.seats_taken < event.capacity:
        booking.save()  # before the event's row is touched: the seat's claim is the last statement before COMMIT
        if _claim_seat(event):
            bookings_confirmed_tell_soon()
            return booking
    booking.event, booking.status, position = _settle_under_event_lock(read=event, refuse_on=refuse_on)
    booking.notify_pending = booking.status == Booking.Status.CONFIRMED
    booking.created_at = timezone.now()  # under the event's lock: its place in the queue is taken now
    booking.save()
    if booking.notify_pending:
        bookings_confirmed_tell_soon()
    if position is not None:
        booking.queue_position = position
    return booking


def _event_terms(event: Event) -> dict:
    """What the rules read from the event row: while these stay the same, a decision stands."""
    return {
        "status": event.status, "starts_at": event.starts_at, "ends_at": event.ends_at, "mode": event.mode,
        "grade_min": event.grade_min, "grade_max": event.grade_max, "campaign_id": event.campaign_id,
    }


def _claim_seat(event: Event) -> bool:
    """Take a seat of `event` if one is free and the event is still published at the same time: the statement waits
    for the row's lock and then reads the row again as committed (READ COMMITTED), so two bookings can never count
    the last seat as free. Its other terms (grades, mode, campaign) are fixed once it is published
    (`services.events.PUBLISHED_FIELDS`); `_settle_under_event_lock` compares them all.

    Hand-written and prepared once per connection on PostgreSQL, as the booking's reads (`locks.lock_student`) and
    for the same measured reason: the ORM's UPDATE cost 0.7 ms of CPU to build and PostgreSQL 0.3 ms to plan, the
    prepared one 0.1 ms in all (benchmarks/RESULTS.md, run 47)."""
    sql, fields = _claim_text()
    params = {"pk": event.pk, "status": event.status, "starts_at": event.starts_at, "ends_at": event.ends_at}
    return execute_prepared("claim_seat", sql, params, fields=fields) == 1


@functools.cache
def _claim_text() -> tuple[str, dict]:
    qn, meta = connection.ops.quote_name, Event._meta
    taken, capacity = qn(meta.get_field("seats_taken").column), qn(meta.get_field("capacity").column)
    fields = {name: meta.get_field(name) for name in ("status", "starts_at", "ends_at")}
    sql = (
        f"UPDATE {qn(meta.db_table)} SET {taken} = {taken} + 1 WHERE {qn(meta.pk.column)} = %(pk)s "
        f"AND {taken} < {capacity} AND "
        + " AND ".join(f"{qn(field.column)} = %({name})s" for name, field in fields.items())
    )
    return sql, fields


def _settle_under_event_lock(*, read: Event, refuse_on) -> tuple[Event, str, int | None]:
    """No seat was claimed: under the event's lock, decide the rules again if its terms changed (a refusal undoes
    everything), then take a free seat, or a place at the end of the waiting list (and which one it is: every place
    in the queue is taken under this lock)."""
    event = lock_event(read.pk)
    event.campaign = read.campaign
    now = timezone.now()
    if _event_terms(event) != _event_terms(read) or event.starts_at <= now:
        refuse_on(event, now)
    if event.seats_taken < event.capacity:
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
        return event, Booking.Status.CONFIRMED, None
    ahead = Booking.objects.filter(event_id=event.pk, status=Booking.Status.WAITLISTED).count()
    return event, Booking.Status.WAITLISTED, ahead + 1
