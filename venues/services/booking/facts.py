"""What the rules know besides the event: who is acting, and the student's consent and other bookings.

The student's bookings are read once, as rows (a student holds a handful, whatever the size of the campaign), and
every fact the rules need about them is worked out from those rows in Python: for the event asked for, or, if the
event changed meanwhile, for its new terms without reading again. "Counted" is the definition of
`selectors.bookings.counted_bookings`: confirmed, attended or no-show bookings on events that were not cancelled.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bilet.db import fetch_prepared, model_columns
from bilet.roles import get_roles
from participants.models import Consent, Guardianship, Student
from regions.models import Campaign

from ...models import Booking, Event
from ...selectors.bookings import COUNTED, counted_bookings
from .messages import Voice


class BookingRow(NamedTuple):
    """One active booking of a student, with what the rules read of its event."""

    event_id: int
    status: str
    campaign_id: int
    mode: str
    event_status: str
    starts_at: object
    ends_at: object
    title: str


@dataclass(frozen=True)
class StudentFacts:
    has_consent: bool
    existing: str | None  # the status of the student's active booking on this event
    used: int  # the campaign's counted bookings
    offline_used: int  # of them, in person
    clash: BookingRow | None  # the earliest counted booking on another event that overlaps this one


_CONSENT_IN_FORCE = Exists(Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True))


def with_consent(students: QuerySet[Student]) -> QuerySet[Student]:
    """Annotate `has_consent`: a consent given and not withdrawn."""
    return students.annotate(has_consent=_CONSENT_IN_FORCE)


def booking_rows(student_ids) -> dict[int, list[BookingRow]]:
    """The active bookings of each student (an index range of the (student, status) index per student)."""
    rows: dict[int, list[BookingRow]] = {pk: [] for pk in student_ids}
    found = Booking.objects.filter(student_id__in=rows, status__in=Booking.ACTIVE).order_by().values_list(
        "student_id", "event_id", "status", "event__campaign_id", "event__mode", "event__status",
        "event__starts_at", "event__ends_at", "event__title",
    )
    for student_id, *row in found:
        rows[student_id].append(BookingRow(*row))
    return rows


# What booking reads of the event and its campaign: the rules, the seat, the answer's message.
BOOKING_EVENT_FIELDS = ("id", "title", "status", "mode", "starts_at", "ends_at", "grade_min", "grade_max", "capacity",
                        "seats_taken", "campaign_id")
BOOKING_CAMPAIGN_FIELDS = ("id", "year", "booking_opens_at", "booking_closes_at", "grade_min", "grade_max",
                           "consent_required", "max_events_per_student", "max_offline_per_student",
                           "cancel_hours_before")
# The columns of a `BookingRow`: the booking's, then its event's.
_ROW_BOOKING_FIELDS, _ROW_EVENT_FIELDS = ("event_id", "status"), ("campaign_id", "mode", "status", "starts_at",
                                                                   "ends_at", "title")


def event_with_bookings(*, event_id: int, student_id: int) -> tuple[Event | None, list[BookingRow]]:
    """The event with its campaign (None if no event has this key), and the active bookings of the student, in one
    read: the booking's second statement, after the student's lock (so every booking of theirs committed before it is
    seen).

    Hand-written and prepared once per connection on PostgreSQL, as `locks.lock_student` and for the same measured
    reason (benchmarks/RESULTS.md, run 47)."""
    sql, outputs = _event_with_bookings_text()
    found = fetch_prepared("event_with_bookings", sql, {"event": event_id, "student": student_id}, outputs)
    if not found:
        return None, []
    first, booking_at = found[0], len(BOOKING_EVENT_FIELDS) + len(BOOKING_CAMPAIGN_FIELDS)
    event = Event.from_db(connection.alias, BOOKING_EVENT_FIELDS, first[: len(BOOKING_EVENT_FIELDS)])
    campaign = Campaign.from_db(connection.alias, BOOKING_CAMPAIGN_FIELDS,
                                first[len(BOOKING_EVENT_FIELDS):booking_at])
    Event._meta.get_field("campaign").set_cached_value(event, campaign)
    return event, [BookingRow(*row[booking_at:]) for row in found if row[booking_at] is not None]


@functools.cache
def _event_with_bookings_text() -> tuple[str, tuple]:
    qn = connection.ops.quote_name
    event, campaign, booking = Event._meta, Campaign._meta, Booking._meta
    selected, outputs = [], []
    for alias, model, names in (("e", Event, BOOKING_EVENT_FIELDS), ("c", Campaign, BOOKING_CAMPAIGN_FIELDS)):
        columns, fields = model_columns(model, alias, names)  # in `from_db`'s order
        selected += columns
        outputs += fields
    # A booking row's columns in `BookingRow`'s order.
    for alias, meta, names in (("b", booking, _ROW_BOOKING_FIELDS), ("be", event, _ROW_EVENT_FIELDS)):
        fields = [meta.get_field(name) for name in names]
        selected += [f"{alias}.{qn(f.column)}" for f in fields]
        outputs += fields
    active = ", ".join(f"'{status}'" for status in Booking.ACTIVE)  # the model's constants, not input
    pk, status = qn(event.pk.column), qn(booking.get_field("status").column)
    sql = (
        f"SELECT {', '.join(selected)} FROM {qn(event.db_table)} e "
        f"JOIN {qn(campaign.db_table)} c ON c.{qn(campaign.pk.column)} = e.{qn(event.get_field('campaign').column)} "
        f"LEFT JOIN {qn(booking.db_table)} b ON b.{qn(booking.get_field('student').column)} = %(student)s "
        f"AND b.{status} IN ({active}) "
        f"LEFT JOIN {qn(event.db_table)} be ON be.{pk} = b.{qn(booking.get_field('event').column)} "
        f"WHERE e.{pk} = %(event)s"
    )
    return sql, tuple(outputs)


def facts_about(*, event: Event, has_consent: bool, rows: list[BookingRow]) -> StudentFacts:
    counted = [r for r in rows if r.status in COUNTED and r.event_status != Event.Status.CANCELLED]
    in_campaign = [r for r in counted if r.campaign_id == event.campaign_id]
    clashes = [
        r for r in counted
        if r.event_id != event.pk and r.starts_at < event.ends_at and r.ends_at > event.starts_at
    ]
    return StudentFacts(
        has_consent=has_consent,
        existing=next((r.status for r in rows if r.event_id == event.pk), None),
        used=len(in_campaign),
        offline_used=sum(r.mode == Event.Mode.OFFLINE for r in in_campaign),
        clash=min(clashes, key=lambda r: r.starts_at, default=None),
    )


def student_facts(*, student: Student, event: Event) -> StudentFacts:
    """The facts read now, without locks (the event page's pre-check)."""
    has_consent = Consent.objects.filter(student=student, withdrawn_at__isnull=True).exists()
    return facts_about(event=event, has_consent=has_consent, rows=booking_rows([student.pk])[student.pk])


# --- who is acting -------------------------------------------------------------------------------------------------


def is_self(actor, student: Student) -> bool:
    """The actor is the student, read from the student's own row: a student's booking needs no query of roles."""
    return student.user_id is not None and student.user_id == getattr(actor, "pk", None) and actor.is_active


def voice(actor, student: Student) -> Voice:
    return Voice(is_self=actor is not None and is_self(actor, student), name=student.full_name)


def may_act_for(actor, student: Student) -> bool:
    """The student themself, a guardian of theirs, or a navigator of their school."""
    if is_self(actor, student):
        return True
    roles = get_roles(actor)
    if student.school_id in roles.navigator_school_ids:
        return True
    if roles.guardian_id is not None:
        return Guardianship.objects.filter(guardian_id=roles.guardian_id, student_id=student.pk).exists()
    return False


# --- what the campaign still allows ----------------------------------------------------------------------------------


def event_booking_usage(*, student: Student, campaign: Campaign) -> dict:
    """How much of the campaign's limits a student has used (for "my bookings" and the home page)."""
    counted = (
        counted_bookings(campaign)
        .filter(student=student)
        .aggregate(total=Count("id"), offline=Count("id", filter=Q(event__mode=Event.Mode.OFFLINE)))
    )
    return {
        "used": counted["total"],
        "limit": campaign.max_events_per_student,
        "left": max(campaign.max_events_per_student - counted["total"], 0),
        "offline_used": counted["offline"],
        "offline_limit": campaign.max_offline_per_student,
        "offline_left": max(campaign.max_offline_per_student - counted["offline"], 0),
    }
