"""Cancellation and the waiting list.

A cancelled confirmed booking frees its seat. If students wait for the event, the seat is held for them (it stays
counted in `seats_taken`, so a newcomer cannot take it) and a Celery task (`PROMOTE_TASK`, retried with back-off)
gives it to the first waiting student who still passes every rule; a seat nobody waiting can take is released then.
The cancellation itself never waits for, or fails with, a promotion.

`waitlist_promote` works through the queue in its order, `PROMOTION_BATCH` waiting students per transaction: it locks
them (key order), then the event; recounts the seats taken by the bookings themselves; and promotes. The seats it
does not fill stay held while more of the queue is to be looked at, and are released once the queue is done.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.celery import send_task
from bilet.db import locked_write
from bilet.models import NotificationKind

from ...models import Booking, Event
from ...selectors.bookings import COUNTED
from ..notifications import event_email_context, event_link, notify_students
from . import rules
from .facts import booking_rows, facts_about, may_act_for, voice
from .locks import lock_event, lock_students
from .messages import BookingBusy, cancel_deadline_refusal, refusal

PROMOTE_TASK = "venues.promote_waitlist"
PROMOTION_BATCH = 20


def waitlist_promote_later(*, event_id: int) -> None:
    """Promote the waiting list of `event_id` in a Celery task once the current transaction commits."""

    def send():
        send_task(PROMOTE_TASK, event_id=event_id)

    # robust: the cancellation is committed whatever happens to the task; a failure to send it is logged.
    transaction.on_commit(send, robust=True)


@locked_write(busy=BookingBusy)
def booking_cancel(*, actor, booking: Booking) -> Booking:
    """Cancel a confirmed booking (until `cancel_hours_before` the start) or leave the waiting list (always)."""
    student_id = Booking.objects.values_list("student_id", flat=True).get(pk=booking.pk)
    student = lock_students([student_id])[student_id]
    booking = Booking.objects.select_related("event__campaign").get(pk=booking.pk)
    booking.student = student
    if not may_act_for(actor, student):
        raise refusal("not_allowed_cancel")
    if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED):
        raise refusal("not_active")
    now = timezone.now()
    if booking.status == Booking.Status.CONFIRMED:
        # The seat and the queue are decided under the event's lock, which a booking joining the queue holds too.
        event = lock_event(booking.event_id)
        deadline = event.starts_at - dt.timedelta(hours=booking.event.campaign.cancel_hours_before)
        if now >= deadline:
            raise cancel_deadline_refusal(hours=booking.event.campaign.cancel_hours_before, deadline=deadline)
        waiting = Booking.objects.filter(event_id=event.pk, status=Booking.Status.WAITLISTED).exists()
        if waiting and _promotable(event, now):
            waitlist_promote_later(event_id=event.pk)
        else:
            Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    return booking


def waitlist_promote(*, event: Event) -> list[Booking]:
    """Give the free and held seats of `event` to its waiting list, in order (after a cancellation, or when its
    capacity was raised); returns the promoted bookings. Raises BookingBusy when a lock was not granted in time."""
    promoted, after = [], None
    while True:
        batch, after = _promote_batch(event_id=event.pk, after=after)
        promoted += batch
        if after is None:
            return promoted


def _promotable(event: Event, now) -> bool:
    return event.status == Event.Status.PUBLISHED and event.starts_at > now


@locked_write(busy=BookingBusy)
def _promote_batch(*, event_id: int, after: tuple | None) -> tuple[list[Booking], tuple | None]:
    """One transaction of `waitlist_promote`: the next waiting students after `after` (a place in the queue); returns
    the promoted bookings and where the next batch starts (None: done)."""
    queue = Booking.objects.filter(event_id=event_id, status=Booking.Status.WAITLISTED)
    if after is not None:
        queue = queue.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], pk__gt=after[1]))
    head = list(queue.order_by("created_at", "pk").values_list("created_at", "pk", "student_id")[:PROMOTION_BATCH])
    students = lock_students([student_id for _created, _pk, student_id in head])
    event = lock_event(event_id, "campaign", "venue")
    now = timezone.now()
    taken = Booking.objects.filter(event_id=event_id, status__in=COUNTED).count()
    free = max(event.capacity - taken, 0) if _promotable(event, now) else 0
    rows = booking_rows(students)
    promoted = []
    # Read again under the locks: an entry may have left the queue (or been promoted) meanwhile.
    for entry in queue.filter(pk__in=[pk for _created, pk, _student in head]).order_by("created_at", "pk"):
        if len(promoted) == free:
            break
        student = students[entry.student_id]
        facts = facts_about(event=event, has_consent=student.has_consent, rows=rows[student.pk])
        if rules.refusal(event=event, student=student, facts=facts, voice=voice(None, student), now=now,
                         promotion=True) is None:
            entry.student, entry.status = student, Booking.Status.CONFIRMED
            promoted.append(entry)
    more = len(head) == PROMOTION_BATCH and len(promoted) < free
    seats = taken + len(promoted)
    if more:
        seats = max(seats, event.seats_taken)  # the seats not filled yet stay held for the rest of the queue
    seats = min(seats, event.capacity)
    if seats != event.seats_taken:
        Event.objects.filter(pk=event_id).update(seats_taken=seats)
    if promoted:
        Booking.objects.filter(pk__in=[b.pk for b in promoted]).update(status=Booking.Status.CONFIRMED)
        notify_students(
            student_ids=[b.student_id for b in promoted],
            kind=NotificationKind.BOOKING_PROMOTED,
            link=event_link(event),
            subject=_("A place is free for you: «%(title)s»") % {"title": event.title},
            template_name="venues/email/waitlist_promoted.txt",
            context=event_email_context(event) | {"students": [b.student.full_name for b in promoted]},
        )
    return promoted, (head[-1][:2] if more else None)
