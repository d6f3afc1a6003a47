"""The life of an event (SPEC §3, issue 4 §1–§2): venue staff draft, edit, copy and submit; the region's
coordinator approves, returns with a comment or cancels; a change of time or place of a published event, or its
cancellation, tells every booked student and guardian.

Every state change is a compare-and-set on the status or happens under the event's row lock, so two coordinators
pressing "approve" and "return" at once, or a booking landing while the capacity changes, cannot both win. A lock
not granted in time or a deadlock raises `bilet.db.Busy` (the page answers 503 «Сервер занят, попробуйте ещё раз»).
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bilet.db import locked_write
from bilet.models import NotificationKind
from bilet.notifications import notify
from bilet.roles import get_roles
from regions.models import GRADE_MAX, GRADE_MIN

from ..models import Booking, Event, Mentor, VenueCampaign, VenueStaff
from .booking import waitlist_promote_later
from .contracts import submission_refusal
from .notifications import event_email_context, event_link, notify_students


class EventError(Exception):
    """A refused change of an event; the message is a sentence for the user, `field` the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# What venue staff fill in on a draft.
DRAFT_FIELDS = (
    "campaign", "competency", "title", "description", "level", "mode", "address", "online_url",
    "starts_at", "ends_at", "capacity", "grade_min", "grade_max",
)
# What may still change once families have booked (issue 4 §2): the time, the place and the number of seats.
PUBLISHED_FIELDS = ("starts_at", "ends_at", "address", "online_url", "capacity")
EDITABLE_STATUSES = (Event.Status.DRAFT, Event.Status.RETURNED)
# Students who hold a place or a place in the queue are the ones a change concerns.
BOOKED_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED)


# --- who may do what ---------------------------------------------------------------------------------------------


def _is_venue_staff(actor, event_or_venue_id) -> bool:
    return event_or_venue_id in get_roles(actor).venue_ids


def _is_region_coordinator(actor, event: Event) -> bool:
    roles = get_roles(actor)
    return roles.operator or event.region_id in roles.coordinator_region_ids


def event_actions(*, actor, event: Event) -> set[str]:
    """The actions `actor` may try on `event` now, so pages offer only those (the services still decide)."""
    staff = _is_venue_staff(actor, event.venue_id)
    coordinator = _is_region_coordinator(actor, event)
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


def _require_staff(actor, venue_id: int) -> None:
    if not _is_venue_staff(actor, venue_id):
        raise EventError(_("Only the staff of the event's venue can do this."))


def _require_coordinator(actor, event: Event) -> None:
    if not _is_region_coordinator(actor, event):
        raise EventError(_("Only the coordinator of the event's region can do this."))


# --- validation -----------------------------------------------------------------------------------------------------


def _validate(event: Event, *, mentors: Iterable | None = None, future: bool = True) -> None:
    """The rules every draft, copy and submission must satisfy; raises the first broken one."""
    if not (event.title or "").strip():
        raise EventError(_("Enter the name of the event."), field="title")
    if event.mode == Event.Mode.OFFLINE and not (event.address or "").strip():
        raise EventError(_("An in-person event needs an address."), field="address")
    if event.mode == Event.Mode.ONLINE and not (event.online_url or "").strip():
        raise EventError(_("An online event needs a link."), field="online_url")
    _validate_time(event, future=future)
    if not event.capacity or event.capacity < 1:
        raise EventError(_("An event needs at least one seat."), field="capacity")
    campaign = event.campaign
    if not (GRADE_MIN <= event.grade_min <= event.grade_max <= GRADE_MAX):
        raise EventError(
            _("Grades must be between %(low)s and %(high)s, the lower one first.") % {"low": GRADE_MIN, "high": GRADE_MAX},
            field="grade_min",
        )
    if event.grade_min < campaign.grade_min or event.grade_max > campaign.grade_max:
        raise EventError(
            _("The campaign «%(campaign)s» is for grades %(low)s–%(high)s.")
            % {"campaign": campaign.name, "low": campaign.grade_min, "high": campaign.grade_max},
            field="grade_min",
        )
    local_start = timezone.localtime(event.starts_at).date()
    if not (campaign.starts_on <= local_start <= campaign.ends_on):
        raise EventError(
            _("The campaign «%(campaign)s» runs from %(start)s to %(end)s; the event must take place within it.")
            % {
                "campaign": campaign.name,
                "start": date_format(campaign.starts_on, "j E Y"),
                "end": date_format(campaign.ends_on, "j E Y"),
            },
            field="starts_at",
        )
    if mentors:
        at_venue = set(Mentor.objects.filter(pk__in=[m.pk for m in mentors], venues=event.venue_id)
                       .values_list("pk", flat=True))
        strangers = [m for m in mentors if m.pk not in at_venue]
        if strangers:
            raise EventError(
                _("Mentor %(name)s does not work at this venue.") % {"name": strangers[0].full_name}, field="mentors"
            )


def _validate_time(event: Event, *, future: bool) -> None:
    if event.ends_at <= event.starts_at:
        raise EventError(_("The end must be after the start."), field="ends_at")
    if future and event.starts_at <= timezone.now():
        raise EventError(_("The start must be in the future."), field="starts_at")


def _normalise_place(event: Event) -> None:
    """An in-person event has no link and an online one no address, so a family never sees a stale one."""
    event.title = (event.title or "").strip()
    event.address = (event.address or "").strip()
    event.online_url = (event.online_url or "").strip()
    if event.mode == Event.Mode.OFFLINE:
        event.online_url = ""
    elif event.mode == Event.Mode.ONLINE:
        event.address = ""


def _locked(event: Event) -> Event:
    """The event's row, locked for a change. FOR NO KEY UPDATE, as the booking service locks it: bookings being
    written meanwhile (their key-share lock on the event) do not hold the change up, their seats wait for it."""
    return (
        Event.objects.select_for_update(of=("self",), no_key=True).select_related("campaign", "venue").get(pk=event.pk)
    )


# --- venue staff ---------------------------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, actor, venue, accessible_for: Iterable = (), mentors: Iterable = (), **fields) -> Event:
    """A new draft at `venue`; `fields` are the DRAFT_FIELDS."""
    _require_staff(actor, venue.pk)
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"event_create() got unexpected fields {sorted(unknown)}")
    mentors = list(mentors)
    event = Event(venue=venue, region_id=venue.region_id, status=Event.Status.DRAFT, created_by=actor, **fields)
    _normalise_place(event)
    _validate(event, mentors=mentors)
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
    event = _locked(event)
    if event.status in EDITABLE_STATUSES:
        _require_staff(actor, event.venue_id)
        return _update_draft(actor=actor, event=event, accessible_for=accessible_for, mentors=mentors, fields=fields)
    if event.status == Event.Status.PUBLISHED:
        if not (_is_venue_staff(actor, event.venue_id) or _is_region_coordinator(actor, event)):
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
    _normalise_place(event)
    mentors = list(mentors) if mentors is not None else None
    _validate(event, mentors=mentors)
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
    _normalise_place(event)
    if event.mode == Event.Mode.OFFLINE and not event.address:
        raise EventError(_("An in-person event needs an address."), field="address")
    if event.mode == Event.Mode.ONLINE and not event.online_url:
        raise EventError(_("An online event needs a link."), field="online_url")
    time_changed = (event.starts_at, event.ends_at) != (before["starts_at"], before["ends_at"])
    _validate_time(event, future=time_changed)
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
        _notify_booked(
            event,
            kind=NotificationKind.EVENT_CHANGED,
            subject=_("The practicum «%(title)s» has changed") % {"title": event.title},
            template_name="venues/email/event_changed.txt",
            extra={
                "time_changed": time_changed,
                "place_changed": place_changed,
                "old_starts": _when(before["starts_at"]),
                "old_place": before["address"] if event.mode == Event.Mode.OFFLINE else before["online_url"],
            },
        )
    return event


@locked_write
def event_submit(*, actor, event: Event) -> Event:
    """Send a draft or a returned event to the region's coordinator; only a venue with the event's campaign
    assigned and a signed contract may (seed 000 §5.4)."""
    event = _locked(event)
    _require_staff(actor, event.venue_id)
    if event.status not in EDITABLE_STATUSES:
        raise EventError(_("Only a draft or a returned event can be submitted."))
    contract = VenueCampaign.objects.filter(venue_id=event.venue_id, campaign_id=event.campaign_id).first()
    refusal = submission_refusal(contract, campaign=event.campaign, today=timezone.localdate())
    if refusal is not None:
        raise EventError(refusal)
    _validate(event, mentors=list(event.mentors.all()))
    event.status = Event.Status.SUBMITTED
    event.submitted_at = timezone.now()
    event.save(update_fields=["status", "submitted_at"])
    return event


@transaction.atomic
def event_copy(*, actor, event: Event, starts_at: dt.datetime) -> Event:
    """A new draft like `event` starting at `starts_at`, of the same length: how a venue schedules a series."""
    _require_staff(actor, event.venue_id)
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
    _validate(copy)
    copy.full_clean()
    copy.save()
    copy.accessible_for.set(source.accessible_for.all())
    copy.mentors.set(source.mentors.all())
    return copy


# --- the coordinator ----------------------------------------------------------------------------------------------


def _compare_and_set(event: Event, *, expected: str, **changes) -> bool:
    return Event.objects.filter(pk=event.pk, status=expected).update(**changes) == 1


@locked_write
def event_approve(*, actor, event: Event) -> Event:
    """Publish a submitted event of the coordinator's region."""
    _require_coordinator(actor, event)
    if event.starts_at <= timezone.now():
        raise EventError(_("The event has already started; it cannot be published."))
    now = timezone.now()
    if not _compare_and_set(
        event, expected=Event.Status.SUBMITTED, status=Event.Status.PUBLISHED, published_at=now, coordinator_comment=""
    ):
        raise EventError(_("Only a submitted event can be approved; someone may have just changed it."))
    event.refresh_from_db()
    _notify_venue_staff(
        event, kind=NotificationKind.EVENT_APPROVED,
        text=_("The coordinator approved «%(title)s»: it is published in the catalog.") % {"title": event.title},
    )
    return event


@locked_write
def event_return(*, actor, event: Event, comment: str) -> Event:
    """Send a submitted event back to the venue with what to change."""
    _require_coordinator(actor, event)
    comment = (comment or "").strip()
    if not comment:
        raise EventError(_("Write what the venue should change."), field="comment")
    if not _compare_and_set(event, expected=Event.Status.SUBMITTED, status=Event.Status.RETURNED,
                            coordinator_comment=comment):
        raise EventError(_("Only a submitted event can be returned; someone may have just changed it."))
    event.refresh_from_db()
    _notify_venue_staff(
        event, kind=NotificationKind.EVENT_RETURNED,
        text=_("The coordinator returned «%(title)s»: %(comment)s") % {"title": event.title, "comment": comment},
    )
    return event


@locked_write
def event_cancel(*, actor, event: Event, reason: str) -> Event:
    """Cancel an event that has not ended: every booking on it ends and booked families are told why."""
    _require_coordinator(actor, event)
    reason = (reason or "").strip()
    if not reason:
        raise EventError(_("Write why the event is cancelled; the families will read it."), field="reason")
    # Under the row lock no booking can be added while the bookings are being cancelled.
    event = _locked(event)
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
    _notify(
        event,
        booked_ids,
        kind=NotificationKind.EVENT_CANCELLED,
        subject=_("The practicum «%(title)s» is cancelled") % {"title": event.title},
        template_name="venues/email/event_cancelled.txt",
        extra={"reason": reason},
    )
    return event


# --- telling the families -------------------------------------------------------------------------------------------


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j E Y, H:i")


def _notify_booked(event: Event, *, kind: str, subject: str, template_name: str, extra: dict) -> None:
    student_ids = list(
        event.bookings.filter(status__in=BOOKED_STATUSES).values_list("student_id", flat=True).distinct()
    )
    _notify(event, student_ids, kind=kind, subject=subject, template_name=template_name, extra=extra)


def _notify(event: Event, student_ids: list[int], *, kind: str, subject: str, template_name: str, extra: dict) -> None:
    if not student_ids:
        return
    notify_students(
        student_ids=student_ids, subject=str(subject), template_name=template_name,
        context=event_email_context(event) | extra, kind=kind, link=event_link(event),
    )


def _notify_venue_staff(event: Event, *, kind: str, text: str) -> None:
    """The venue's staff learn that the coordinator approved or returned their event."""
    staff = VenueStaff.objects.filter(venue_id=event.venue_id).values_list("user_id", flat=True)
    notify(recipients=list(staff), kind=kind, text=text, link=reverse("venues:event_manage_detail", args=[event.pk]))
