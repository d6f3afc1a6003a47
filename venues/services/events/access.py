"""Who may do what to an event: its venue's staff, its region's coordinator (or the operator)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.roles import get_roles

from ...models import Event
from .rules import EDITABLE_STATUSES, EventError


def is_venue_staff(actor, event_or_venue_id) -> bool:
    return event_or_venue_id in get_roles(actor).venue_ids


def is_region_coordinator(actor, event: Event) -> bool:
    roles = get_roles(actor)
    return roles.operator or event.region_id in roles.coordinator_region_ids


def event_actions(*, actor, event: Event) -> set[str]:
    """The actions `actor` may try on `event` now, so pages offer only those (the services still decide)."""
    staff = is_venue_staff(actor, event.venue_id)
    coordinator = is_region_coordinator(actor, event)
    status = event.status
    actions = set()
    if staff:
        actions.add("copy")
        if status in EDITABLE_STATUSES:
            actions |= {"edit", "submit"}
    if status == Event.Status.PUBLISHED and (staff or coordinator):
        if event.ends_at > timezone.now():
            actions.add("edit")
        if event.starts_at <= timezone.now():
            actions.add("attendance")  # the register of venues.views.attendance
    if coordinator:
        if status == Event.Status.SUBMITTED:
            actions |= {"approve", "return"}
        if status != Event.Status.CANCELLED and event.ends_at > timezone.now():
            actions.add("cancel")
    return actions


def require_staff(actor, venue_id: int) -> None:
    if not is_venue_staff(actor, venue_id):
        raise EventError(_("Only the staff of the event's venue can do this."))


def require_coordinator(actor, event: Event) -> None:
    if not is_region_coordinator(actor, event):
        raise EventError(_("Only the coordinator of the event's region can do this."))
