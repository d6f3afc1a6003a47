"""What every draft, copy and submission must satisfy, what may change in which status, and the error a refused
change raises."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from regions.models import GRADE_MAX, GRADE_MIN

from ...models import Booking, Event, Mentor


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


def validate_event(event: Event, *, mentors: Iterable | None = None, future: bool = True) -> None:
    """The rules every draft, copy and submission must satisfy; raises the first broken one."""
    if not (event.title or "").strip():
        raise EventError(_("Enter the name of the event."), field="title")
    if event.mode == Event.Mode.OFFLINE and not (event.address or "").strip():
        raise EventError(_("An in-person event needs an address."), field="address")
    if event.mode == Event.Mode.ONLINE and not (event.online_url or "").strip():
        raise EventError(_("An online event needs a link."), field="online_url")
    validate_time(event, future=future)
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


def validate_time(event: Event, *, future: bool) -> None:
    if event.ends_at <= event.starts_at:
        raise EventError(_("The end must be after the start."), field="ends_at")
    if future and event.starts_at <= timezone.now():
        raise EventError(_("The start must be in the future."), field="starts_at")


def normalise_place(event: Event) -> None:
    """An in-person event has no link and an online one no address, so a family never sees a stale one."""
    event.title = (event.title or "").strip()
    event.address = (event.address or "").strip()
    event.online_url = (event.online_url or "").strip()
    if event.mode == Event.Mode.OFFLINE:
        event.online_url = ""
    elif event.mode == Event.Mode.ONLINE:
        event.address = ""
