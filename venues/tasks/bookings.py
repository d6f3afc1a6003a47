"""The waiting list's promotion, outside the request that freed a seat (see venues.services.booking.waitlist)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from bilet.db import Busy

from ..models import Event
from ..services.booking import PROMOTE_TASK, waitlist_promote

__all__ = ["promote_waitlist"]


# Busy: a lock not granted in time (a waiting student booking elsewhere); the others: the database went away.
@shared_task(
    name=PROMOTE_TASK,
    autoretry_for=(Busy, OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=10,
)
def promote_waitlist(*, event_id: int) -> int:
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    return len(waitlist_promote(event=event))
