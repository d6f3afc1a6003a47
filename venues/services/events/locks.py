"""The event's row lock that a change of its time, place, seats or status holds until it commits."""

from ...models import Event


def locked_event(event: Event) -> Event:
    """The event's row, locked for a change. FOR NO KEY UPDATE, as the booking service locks it: bookings being
    written meanwhile (their key-share lock on the event) do not hold the change up, their seats wait for it."""
    return (
        Event.objects.select_for_update(of=("self",), no_key=True).select_related("campaign", "venue").get(pk=event.pk)
    )
