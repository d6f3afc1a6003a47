"""Waiting-list promotion retried outside the request (see venues.services.bookings._promote)."""

from celery import shared_task

from ..models import Event
from ..services.bookings import BookingBusy, waitlist_promote

__all__ = ["promote_waitlist"]


@shared_task(autoretry_for=(BookingBusy,), retry_backoff=1, retry_backoff_max=60, max_retries=10)
def promote_waitlist(*, event_id: int) -> int:
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    return len(waitlist_promote(event=event))
