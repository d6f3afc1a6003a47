"""Emails to students and their guardians about their bookings (SPEC §3: "who is told by email").

`notify_students` resolves the addresses now, inside the caller's transaction, and hands one Celery task per address
to `transaction.on_commit`: nobody is told about a change that was rolled back, and a slow or failing mail server
never holds a booking's locks. A person who is both a guardian of two of the students is told once.

A confirmed booking is told about from the booking itself (an outbox): the booking is written with `notify_pending`,
in its own transaction, and a beat task (`TELL_TASK`, every 10 seconds) tells the families of the flagged bookings
(`bookings_confirmed_tell_pending`). The request that books sends nothing to the broker, so finding the family,
writing their notifications and their emails never lengthen a booking, and a broker away at that moment loses no
notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bilet.celery import send_task
from bilet.models import NotificationKind
from bilet.notifications import email_wanted, notification_rows_create, notify
from participants.models import Guardianship, Student

from ..models import Booking, Event

# The tasks, sent by name (a service never imports a task).
EMAIL_TASK = "venues.tasks.notifications.send_notification_email"
TELL_TASK = "venues.tell_confirmed_bookings"
# Bookings told per transaction of `bookings_confirmed_tell_pending`.
TELL_BATCH = 200


@dataclass
class Reader:
    """Someone to tell about the bookings of some students: one of those students (`is_student`) or a guardian of some
    of them (`children`, their names). A person who is both is spoken to as the student."""

    email: str
    user_id: int | None = None
    is_student: bool = False
    children: list[str] = field(default_factory=list)

    def voice(self) -> dict:
        """What the email templates read to speak to this person: «вы записаны» or «ваш ребёнок … записан»."""
        return {"is_student": self.is_student, "children": sorted(self.children)}


def readers(*, student_ids) -> list[Reader]:
    """The students and their guardians with an active account, each once (by address, case-insensitively), in a
    stable order; an anonymised student is nobody's to tell about."""
    ids = list(student_ids)
    found: dict[str, Reader] = {}

    def reader(address: str, user_id: int) -> Reader:
        return found.setdefault(address.lower(), Reader(email=address, user_id=user_id))

    students = Student.objects.filter(
        pk__in=ids, user__isnull=False, anonymised_at__isnull=True, user__is_active=True
    ).values_list("user__email", "user_id")
    for address, user_id in students:
        if address:
            reader(address, user_id).is_student = True
    guardianships = Guardianship.objects.filter(
        student_id__in=ids, student__anonymised_at__isnull=True, guardian__user__is_active=True
    ).values_list(
        "guardian__user__email", "guardian__user_id", "student__last_name", "student__first_name",
        "student__middle_name",
    )
    for address, user_id, *name in guardianships:
        if address:
            reader(address, user_id).children.append(" ".join(part for part in name if part))
    return sorted(found.values(), key=lambda r: r.email.lower())


def recipient_emails(*, student_ids) -> list[str]:
    """The students' and their guardians' addresses, each once (case-insensitively), in a stable order."""
    return [r.email for r in readers(student_ids=student_ids)]


def notify_students(
    *, student_ids, subject: str, template_name: str, context: dict, kind: str | None = None, link: str = ""
) -> list[str]:
    """Email `students` and their guardians after the current transaction commits. `context` must be JSON-serialisable
    (it travels to the worker); each message adds `reader` (`Reader.voice`), so that it names who is booked in the
    reader's voice and names no other family's child. Returns the addresses that will be written to.

    With a `kind` (bilet.models.NotificationKind), each of them also finds the subject in their notifications on the
    portal, and only those who have not turned that kind's email off are written to."""
    told = readers(student_ids=student_ids)
    if kind is not None:
        user_ids = [r.user_id for r in told]
        notification_rows_create(user_ids=user_ids, kind=kind, text=str(subject), link=link)
        wanted = email_wanted(user_ids=user_ids, kind=kind)
        told = [r for r in told if r.user_id in wanted]
    for reader in told:
        transaction.on_commit(
            partial(
                send_task,
                EMAIL_TASK,
                recipient=reader.email,
                subject=str(subject),
                template_name=template_name,
                context=context | {"reader": reader.voice()},
            )
        )
    return [r.email for r in told]


def event_link(event: Event) -> str:
    """The event's page in the catalog, where a family reads it and its booking."""
    return reverse("venues:event_detail", args=[event.pk])


def event_email_context(event: Event) -> dict:
    """What an email about `event` says about it, as plain strings (dates in Moscow time, Russian format)."""
    return {
        "event_id": event.pk,
        "title": event.title,
        "venue": event.venue.short_name,
        "mode": str(event.get_mode_display()),
        "place": event.address if event.mode == Event.Mode.OFFLINE else event.online_url,
        "starts": date_format(timezone.localtime(event.starts_at), "j E Y, H:i"),
        "ends": date_format(timezone.localtime(event.ends_at), "H:i"),
    }


def bookings_confirmed_tell_soon() -> None:
    """A booking confirmed in the current transaction carries `notify_pending`, and the beat entry of `TELL_TASK`
    tells its family within seconds. Without a broker (the demo, the tests) no beat runs: the task runs in-process
    once the transaction commits instead."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(partial(send_task, TELL_TASK), robust=True)


def bookings_confirmed_tell_pending() -> int:
    """Tell the families of the bookings still flagged `notify_pending`, `TELL_BATCH` per transaction, and clear the
    flag; returns how many bookings were looked at. A booking cancelled meanwhile is cleared untold. Two runs at once
    take different bookings (SKIP LOCKED), and a run that fails tells its batch again the next time."""
    looked_at = 0
    while True:
        with transaction.atomic():
            pending = Booking.objects.filter(notify_pending=True).select_for_update(skip_locked=True).order_by("pk")
            ids = list(pending.values_list("pk", flat=True)[:TELL_BATCH])
            if not ids:
                return looked_at
            bookings_confirmed_notify(booking_ids=ids)
            Booking.objects.filter(pk__in=ids).update(notify_pending=False)
        looked_at += len(ids)


@transaction.atomic
def bookings_confirmed_notify(*, booking_ids) -> None:
    """Tell each booked student of `booking_ids` and their guardians that a place is theirs, if it still is: one
    notification each, and the emails of those who want them once the rows are committed."""
    bookings = Booking.objects.filter(pk__in=booking_ids, status=Booking.Status.CONFIRMED).select_related(
        "event", "student"
    )
    for booking in bookings.order_by("pk"):
        event = booking.event
        notify(
            recipients=[r.user_id for r in readers(student_ids=[booking.student_id])],
            kind=NotificationKind.BOOKING_CONFIRMED,
            text=_("%(name)s is booked on «%(event)s», %(starts)s.")
            % {
                "name": booking.student.full_name, "event": event.title,
                "starts": date_format(timezone.localtime(event.starts_at), "j E Y, H:i"),
            },
            link=event_link(event),
        )
