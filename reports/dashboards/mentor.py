"""The mentor's home section: their upcoming events and the recommendations they still owe."""

import datetime as dt

from django.utils import timezone

from bilet.roles import get_roles
from venues.models import Booking, Event
from venues.selectors import booking_list, event_list

from .links import UPCOMING_LIMIT, with_urls


def mentor_upcoming_events(*, user) -> list[Event]:
    roles = get_roles(user)
    events = (
        event_list(user=user)
        .filter(mentors__id=roles.mentor_id, status=Event.Status.PUBLISHED, starts_at__gt=timezone.now())
        .order_by("starts_at", "pk")[:UPCOMING_LIMIT]
    )
    return with_urls(list(events), "venues:event_detail")


def mentor_pending_recommendations(*, user) -> tuple[int, list[Booking]]:
    """Attended students of the mentor's events who have no recommendation yet (oldest event first)."""
    roles = get_roles(user)
    pending = (
        booking_list(user=user)
        .filter(event__mentors__id=roles.mentor_id, status=Booking.Status.ATTENDED, recommendation__isnull=True)
        .select_related("event__campaign")
        .order_by("event__ends_at", "pk")
    )
    rows = with_urls(list(pending[:UPCOMING_LIMIT]), "venues:recommendation_write")
    today = timezone.localdate()
    for booking in rows:
        booking.due_on = timezone.localdate(booking.event.ends_at) + dt.timedelta(
            days=booking.event.campaign.recommendation_days
        )
        booking.overdue = booking.due_on < today
    count = len(rows) if len(rows) < UPCOMING_LIMIT else pending.count()
    return count, rows
