"""Venue staff draft, edit, copy and submit events; a published event's time, place and seats change (venue staff
or the coordinator), and booked families are told."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.db import locked_write
from bilet.models import NotificationKind

from ...models import Event, VenueCampaign
from ..booking import waitlist_promote_later
from ..contracts import submission_refusal
from .access import is_region_coordinator, is_venue_staff, require_staff
from .locks import locked_event
from .notices import format_when, notify_booked
from .rules import (
    DRAFT_FIELDS,
    EDITABLE_STATUSES,
    PUBLISHED_FIELDS,
    EventError,
    normalise_place,
    validate_event,
    validate_time,
)


@transaction.atomic
def event_create(*, actor, venue, accessible_for: Iterable = (), mentors: Iterable = (), **fields) -> Event:
    """A new draft at `venue`; `fields` are the DRAFT_FIELDS."""
    require_staff(actor, venue.pk)
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"event_create() got unexpected fields {sorted(unknown)}")
    mentors = list(mentors)
    event = Event(venue=venue, region_id=venue.region_id, status=Event.Status.DRAFT, created_by=actor, **fields)
    normalise_place(event)
    validate_event(event, mentors=mentors)
    event.full_clean()
    event.save()
    event.accessible_for.set(accessible_for)
    event.mentors.set(mentors)
    return event


@locked_write
def event_update(*, actor, event: Event, accessible_for: Iterable | None = None, mentors: Iterable | None = None,
                 **fields) -> Event:
    """Edit a draft or returned event (venue staff), or move a published one (venue staff or the coordinator):
    then only its time, place and capacity, never below the seats already taken, and booked families are told."""
    event = locked_event(event)
    if event.status in EDITABLE_STATUSES:
        require_staff(actor, event.venue_id)
        return _update_draft(actor=actor, event=event, accessible_for=accessible_for, mentors=mentors, fields=fields)
    if event.status == Event.Status.PUBLISHED:
        if not (is_venue_staff(actor, event.venue_id) or is_region_coordinator(actor, event)):
            raise EventError(_("Only the venue's staff or the region's coordinator can change a published event."))
        if accessible_for is not None or mentors is not None or set(fields) - set(PUBLISHED_FIELDS):
            raise EventError(_("Only the time, the place and the number of seats of a published event can change."))
        return _update_published(actor=actor, event=event, fields=fields)
    raise EventError(_("An event in the status «%(status)s» cannot be edited.") % {"status": event.get_status_display()})


def _update_draft(*, actor, event: Event, accessible_for, mentors, fields) -> Event:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"event_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(event, name, value)
    normalise_place(event)
    mentors = list(mentors) if mentors is not None else None
    validate_event(event, mentors=mentors)
    event.full_clean()
    event.save()
    if accessible_for is not None:
        event.accessible_for.set(accessible_for)
    if mentors is not None:
        event.mentors.set(mentors)
    return event


def _update_published(*, actor, event: Event, fields) -> Event:
    before = {name: getattr(event, name) for name in PUBLISHED_FIELDS}
    if event.ends_at <= timezone.now():
        raise EventError(_("The event is over; it can no longer be changed."))
    for name, value in fields.items():
        setattr(event, name, value)
    normalise_place(event)
    if event.mode == Event.Mode.OFFLINE and not event.address:
        raise EventError(_("An in-person event needs an address."), field="address")
    if event.mode == Event.Mode.ONLINE and not event.online_url:
        raise EventError(_("An online event needs a link."), field="online_url")
    time_changed = (event.starts_at, event.ends_at) != (before["starts_at"], before["ends_at"])
    validate_time(event, future=time_changed)
    # The row lock taken in event_update keeps bookings from taking a seat between this check and the save.
    if event.capacity < event.seats_taken:
        raise EventError(
            _("%(taken)s seats are already taken; the capacity cannot be lower.") % {"taken": event.seats_taken},
            field="capacity",
        )
    if event.capacity < 1:
        raise EventError(_("An event needs at least one seat."), field="capacity")
    capacity_raised = event.capacity > before["capacity"]
    event.full_clean()
    event.save(update_fields=list(PUBLISHED_FIELDS))
    if capacity_raised:
        # New seats go to the waiting list in its order, in a task of its own: it locks the waiting students before
        # the event, which this transaction holds.
        waitlist_promote_later(event_id=event.pk)
    place_changed = (event.address, event.online_url) != (before["address"], before["online_url"])
    if time_changed or place_changed:
        notify_booked(
            event,
            kind=NotificationKind.EVENT_CHANGED,
            subject=_("The practicum «%(title)s» has changed") % {"title": event.title},
            template_name="venues/email/event_changed.txt",
            extra={
                "time_changed": time_changed,
                "place_changed": place_changed,
                "old_starts": format_when(before["starts_at"]),
                "old_place": before["address"] if event.mode == Event.Mode.OFFLINE else before["online_url"],
            },
        )
    return event


@locked_write
def event_submit(*, actor, event: Event) -> Event:
    """Send a draft or a returned event to the region's coordinator; only a venue with the event's campaign
    assigned and a signed contract may (seed 000 §5.4)."""
    event = locked_event(event)
    require_staff(actor, event.venue_id)
    if event.status not in EDITABLE_STATUSES:
        raise EventError(_("Only a draft or a returned event can be submitted."))
    contract = VenueCampaign.objects.filter(venue_id=event.venue_id, campaign_id=event.campaign_id).first()
    refusal = submission_refusal(contract, campaign=event.campaign, today=timezone.localdate())
    if refusal is not None:
        raise EventError(refusal)
    validate_event(event, mentors=list(event.mentors.all()))
    event.status = Event.Status.SUBMITTED
    event.submitted_at = timezone.now()
    event.save(update_fields=["status", "submitted_at"])
    return event


@transaction.atomic
def event_copy(*, actor, event: Event, starts_at: dt.datetime) -> Event:
    """A new draft like `event` starting at `starts_at`, of the same length: how a venue schedules a series."""
    require_staff(actor, event.venue_id)
    if starts_at is None:
        raise EventError(_("Enter the start of the copy."), field="starts_at")
    source = Event.objects.select_related("campaign").get(pk=event.pk)
    copy = Event(
        venue_id=source.venue_id,
        region_id=source.region_id,
        created_by=actor,
        status=Event.Status.DRAFT,
        **{name: getattr(source, name) for name in DRAFT_FIELDS if name not in ("starts_at", "ends_at")},
        starts_at=starts_at,
        ends_at=starts_at + (source.ends_at - source.starts_at),
    )
    validate_event(copy)
    copy.full_clean()
    copy.save()
    copy.accessible_for.set(source.accessible_for.all())
    copy.mentors.set(source.mentors.all())
    return copy
