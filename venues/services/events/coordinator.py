"""The region's coordinator approves a submitted event, returns it with a comment, or cancels an event."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.db import locked_write
from bilet.models import NotificationKind

from ...models import Booking, Event
from .access import require_coordinator
from .locks import locked_event
from .notices import notify_event_students, notify_venue_staff
from .rules import BOOKED_STATUSES, EventError


def _compare_and_set(event: Event, *, expected: str, **changes) -> bool:
    return Event.objects.filter(pk=event.pk, status=expected).update(**changes) == 1


@locked_write
def event_approve(*, actor, event: Event) -> Event:
    """Publish a submitted event of the coordinator's region."""
    require_coordinator(actor, event)
    if event.starts_at <= timezone.now():
        raise EventError(_("The event has already started; it cannot be published."))
    now = timezone.now()
    if not _compare_and_set(
        event, expected=Event.Status.SUBMITTED, status=Event.Status.PUBLISHED, published_at=now, coordinator_comment=""
    ):
        raise EventError(_("Only a submitted event can be approved; someone may have just changed it."))
    event.refresh_from_db()
    notify_venue_staff(
        event, kind=NotificationKind.EVENT_APPROVED,
        text=_("The coordinator approved «%(title)s»: it is published in the catalog.") % {"title": event.title},
    )
    return event


@locked_write
def event_return(*, actor, event: Event, comment: str) -> Event:
    """Send a submitted event back to the venue with what to change."""
    require_coordinator(actor, event)
    comment = (comment or "").strip()
    if not comment:
        raise EventError(_("Write what the venue should change."), field="comment")
    if not _compare_and_set(event, expected=Event.Status.SUBMITTED, status=Event.Status.RETURNED,
                            coordinator_comment=comment):
        raise EventError(_("Only a submitted event can be returned; someone may have just changed it."))
    event.refresh_from_db()
    notify_venue_staff(
        event, kind=NotificationKind.EVENT_RETURNED,
        text=_("The coordinator returned «%(title)s»: %(comment)s") % {"title": event.title, "comment": comment},
    )
    return event


@locked_write
def event_cancel(*, actor, event: Event, reason: str) -> Event:
    """Cancel an event that has not ended: every booking on it ends and booked families are told why."""
    require_coordinator(actor, event)
    reason = (reason or "").strip()
    if not reason:
        raise EventError(_("Write why the event is cancelled; the families will read it."), field="reason")
    # Under the row lock no booking can be added while the bookings are being cancelled.
    event = locked_event(event)
    if event.status == Event.Status.CANCELLED:
        raise EventError(_("The event is already cancelled."))
    if event.ends_at <= timezone.now():
        raise EventError(_("The event is over; it can no longer be cancelled."))
    booked_ids = list(
        event.bookings.filter(status__in=BOOKED_STATUSES).values_list("student_id", flat=True).distinct()
    )
    event.bookings.filter(status__in=BOOKED_STATUSES).update(
        status=Booking.Status.CANCELLED, cancelled_at=timezone.now()
    )
    event.status = Event.Status.CANCELLED
    event.seats_taken = 0
    event.coordinator_comment = reason
    event.save(update_fields=["status", "seats_taken", "coordinator_comment"])
    notify_event_students(
        event,
        booked_ids,
        kind=NotificationKind.EVENT_CANCELLED,
        subject=_("The practicum «%(title)s» is cancelled") % {"title": event.title},
        template_name="venues/email/event_cancelled.txt",
        extra={"reason": reason},
    )
    return event
