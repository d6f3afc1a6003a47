"""Telling the booked families that an event changed or was cancelled, and its venue's staff what the coordinator
decided."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from bilet.notifications import notify

from ...models import Event, VenueStaff
from ..notifications import event_email_context, event_link, notify_students
from .rules import BOOKED_STATUSES


def format_when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j E Y, H:i")


def notify_booked(event: Event, *, kind: str, subject: str, template_name: str, extra: dict) -> None:
    student_ids = list(
        event.bookings.filter(status__in=BOOKED_STATUSES).values_list("student_id", flat=True).distinct()
    )
    notify_event_students(event, student_ids, kind=kind, subject=subject, template_name=template_name, extra=extra)


def notify_event_students(event: Event, student_ids: list[int], *, kind: str, subject: str, template_name: str,
                          extra: dict) -> None:
    if not student_ids:
        return
    notify_students(
        student_ids=student_ids, subject=str(subject), template_name=template_name,
        context=event_email_context(event) | extra, kind=kind, link=event_link(event),
    )


def notify_venue_staff(event: Event, *, kind: str, text: str) -> None:
    """The venue's staff learn that the coordinator approved or returned their event."""
    staff = VenueStaff.objects.filter(venue_id=event.venue_id).values_list("user_id", flat=True)
    notify(recipients=list(staff), kind=kind, text=text, link=reverse("venues:event_manage_detail", args=[event.pk]))
