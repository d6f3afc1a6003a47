"""Booking under the campaign's rules (SPEC §3), the waiting list, and cancellation.

Every path that books — a student for themself, a guardian for a child, a navigator for a class, the event page's
pre-check — goes through `_refusal()`, so a rule lives in one place and is worded once.

Concurrency (pretix style): a booking is one short transaction with `lock_timeout` of a few seconds. It locks the
STUDENT row, decides every rule about the student (their bookings change only under that lock), then takes the place
with ONE statement at the very end (`_TAKE_PLACE_SQL`): it locks the EVENT row, checks that the event's and the
campaign's terms are still those the rules were decided against, counts a free seat (confirmed) or queues the booking
(waiting list), inserts it, and the transaction commits at once. If the terms changed or the event started, nothing is
written and the event is locked and every rule decided again on its current terms. The CHECK `seats_taken <=
capacity` is the last line of defence. The student lock serialises one student's attempts (double submits, two
in-person or two overlapping events at once); the event lock serialises the seats and is held only from that statement
to the commit: on a popular event every booking queues for it, so nothing else happens while it is held. Student locks
are always taken before the event lock, several at once only in key order (`waitlist_promote`); a student taken out
of that order (the heir of a cancelled seat, a waiting student met under the event lock) is locked only with SKIP
LOCKED, never waited for, so no two transactions can wait for each other in a circle. A lock timeout, a deadlock or a serialization failure becomes
`BookingBusy` («Сейчас много желающих — попробуйте ещё раз»).

Which bookings count toward the campaign's limits: confirmed, attended and no-show ones, on events that were not
cancelled. A place on the waiting list does not count: it counts from the moment it is promoted, and promotion checks
every rule again, so a waiting student who has meanwhile booked another in-person event is skipped (and stays in the
queue). Joining the waiting list needs every rule to pass now, as a confirmed booking would. The booking window is a
rule about when a request may be made: a place in the queue taken inside the window is still promoted after it closes.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from bilet.db import prepared
from bilet.roles import get_roles
from participants.models import Consent, Guardianship, Student
from regions.models import Campaign

from ..selectors.bookings import COUNTED, counted_bookings, queue_ahead_sql, statuses_sql, with_usage
from ..models import Booking, Event

logger = logging.getLogger(__name__)

# How far into a queue a cancellation looks for the heir of its seat, and how many `waitlist_promote` locks up front.
PROMOTION_PRELOCK = 20
LOCK_TIMEOUT = "3s"
# PostgreSQL: lock_not_available, serialization_failure, deadlock_detected.
_BUSY_PGCODES = {"55P03", "40001", "40P01"}


class BookingError(Exception):
    """A refusal: `.message` is the Russian sentence naming the rule, `.rule` a short code for programs and tests."""

    def __init__(self, message: str, rule: str):
        super().__init__(message)
        self.message = message
        self.rule = rule

    def __str__(self):
        return self.message


class BookingBusy(BookingError):
    def __init__(self, message: str | None = None, rule: str = "busy"):
        super().__init__(message or _("Many people are booking right now — please try again."), rule)


# --- the rules -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Voice:
    """Who the sentence speaks to: "you" when the student acts for themself, the child's name otherwise."""

    is_self: bool
    name: str


def _is_self(actor, student: Student) -> bool:
    """The actor is the student (their role record is this student's: `get_roles(actor).student_id`), read from the
    student's own row, so the booking path of a student needs no query of the roles."""
    return student.user_id is not None and student.user_id == getattr(actor, "pk", None) and actor.is_active


def _voice(actor, student: Student) -> _Voice:
    return _Voice(is_self=_is_self(actor, student), name=student.full_name)


def _may_act_for(actor, student: Student) -> bool:
    """The student themself, a guardian of theirs, or a navigator of their school."""
    if _is_self(actor, student):
        return True
    roles = get_roles(actor)
    if student.school_id in roles.navigator_school_ids:
        return True
    if roles.guardian_id is not None:
        return Guardianship.objects.filter(guardian_id=roles.guardian_id, student_id=student.pk).exists()
    return False


# The plural form follows "count" in the parameters (ngettext_lazy with a key): «1 мероприятие», «4 мероприятия».
_LIMIT_MESSAGES = {
    "limit_total": {
        "self": ngettext_lazy(
            "You are already booked on %(count)s event — the maximum for campaign %(year)s.",
            "You are already booked on %(count)s events — the maximum for campaign %(year)s.",
            "count",
        ),
        "named": ngettext_lazy(
            "%(name)s: already booked on %(count)s event — the maximum for campaign %(year)s.",
            "%(name)s: already booked on %(count)s events — the maximum for campaign %(year)s.",
            "count",
        ),
    },
    "limit_offline": {
        "self": ngettext_lazy(
            "You are already booked on %(count)s in-person event — the maximum for campaign %(year)s.",
            "You are already booked on %(count)s in-person events — the maximum for campaign %(year)s.",
            "count",
        ),
        "named": ngettext_lazy(
            "%(name)s: already booked on %(count)s in-person event — the maximum for campaign %(year)s.",
            "%(name)s: already booked on %(count)s in-person events — the maximum for campaign %(year)s.",
            "count",
        ),
    },
}


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j E Y, H:i")


def _refusal(
    *, actor, event: Event, student: Student, now: dt.datetime, promotion: bool = False, facts: dict | None = None
) -> BookingError | None:
    """The first rule that forbids `student` a place on `event`, or None.

    `promotion=True` is the waiting list's re-check: the actor and the booking window were checked when the place in
    the queue was taken, and the student's own waiting entry on this event is not a double booking. `facts` are the
    `_student_facts` about this student and event when the caller has read them already."""
    campaign: Campaign = event.campaign
    voice = _voice(actor, student) if actor is not None else _Voice(is_self=False, name=student.full_name)

    if not promotion and not _may_act_for(actor, student):
        return BookingError(_("You may book only yourself, your own child or a student of your school."), "not_allowed")
    if student.anonymised_at is not None:
        return BookingError(
            _("The student's personal data was erased after the consent was withdrawn; booking is not possible."),
            "anonymised",
        )
    if event.status == Event.Status.CANCELLED:
        return BookingError(_("This event has been cancelled; booking is not possible."), "event_cancelled")
    if event.status != Event.Status.PUBLISHED:
        return BookingError(_("This event is not published; booking is not open."), "not_published")
    if event.starts_at <= now:
        return BookingError(_("This event has already started; booking is closed."), "started")
    if not promotion:
        if now < campaign.booking_opens_at:
            return BookingError(
                _("Booking in campaign %(year)s opens on %(date)s.")
                % {"year": campaign.year, "date": _when(campaign.booking_opens_at)},
                "window_not_open",
            )
        if now >= campaign.booking_closes_at:
            return BookingError(
                _("Booking in campaign %(year)s closed on %(date)s.")
                % {"year": campaign.year, "date": _when(campaign.booking_closes_at)},
                "window_closed",
            )
    grades = {"grade": student.grade}
    if not campaign.grade_min <= student.grade <= campaign.grade_max:
        grades |= {"year": campaign.year, "min": campaign.grade_min, "max": campaign.grade_max}
        message = (
            _("Campaign %(year)s is for grades %(min)s–%(max)s, and you are in grade %(grade)s.")
            if voice.is_self
            else _("%(name)s: campaign %(year)s is for grades %(min)s–%(max)s, and the student is in grade %(grade)s.")
        )
        return BookingError(message % (grades | {"name": voice.name}), "grade_campaign")
    if not event.grade_min <= student.grade <= event.grade_max:
        grades |= {"min": event.grade_min, "max": event.grade_max}
        message = (
            _("This event is for grades %(min)s–%(max)s, and you are in grade %(grade)s.")
            if voice.is_self
            else _("%(name)s: this event is for grades %(min)s–%(max)s, and the student is in grade %(grade)s.")
        )
        return BookingError(message % (grades | {"name": voice.name}), "grade_event")
    if facts is None:
        facts = _student_facts(student=student, event=event)
    if campaign.consent_required and not facts["has_consent"]:
        message = (
            _("Booking needs a consent to the processing of your personal data in force; there is none or it was withdrawn.")
            if voice.is_self
            else _("%(name)s: booking needs a consent to the processing of personal data in force; there is none or it was withdrawn.")
        )
        return BookingError(message % {"name": voice.name}, "consent")
    if not promotion:
        existing = facts["existing"]
        if existing == Booking.Status.WAITLISTED:
            message = (
                _("You are already on the waiting list for this event.")
                if voice.is_self
                else _("%(name)s is already on the waiting list for this event.")
            )
            return BookingError(message % {"name": voice.name}, "already_waitlisted")
        if existing is not None:
            message = (
                _("You are already booked on this event.")
                if voice.is_self
                else _("%(name)s: already booked on this event.")
            )
            return BookingError(message % {"name": voice.name}, "already_booked")
    limits = [("limit_total", facts["used"], campaign.max_events_per_student)]
    if event.mode == Event.Mode.OFFLINE:
        limits.append(("limit_offline", facts["offline_used"], campaign.max_offline_per_student))
    for rule, used, limit in limits:
        if used >= limit:
            message = _LIMIT_MESSAGES[rule]["self" if voice.is_self else "named"]
            return BookingError(message % {"count": used, "year": campaign.year, "name": voice.name}, rule)
    if facts["clash_event_id"] is not None:
        clash = Event.objects.only("title", "starts_at").get(pk=facts["clash_event_id"])
        params = {"name": voice.name, "other": clash.title, "when": _when(clash.starts_at)}
        message = (
            _("At that time you are already booked on «%(other)s» (%(when)s): the events overlap.")
            if voice.is_self
            else _("%(name)s: at that time already booked on «%(other)s» (%(when)s): the events overlap.")
        )
        return BookingError(message % params, "overlap")
    return None


# One statement for every fact the rules need about the student, driven by the student's own counted bookings (an
# index range of a handful of rows, however many events the campaign has). Written as SQL because the ORM took ~4 ms
# to build the five-subquery equivalent, four times what PostgreSQL took to plan and run it, on the booking hot path.
# "Counted" is the definition of `selectors.bookings.counted_bookings`: COUNTED statuses, events not cancelled.
_FACTS_SQL = """
SELECT
    EXISTS (SELECT 1 FROM {consent} c WHERE c.student_id = {student} AND c.withdrawn_at IS NULL) AS has_consent,
    (SELECT h.status FROM {booking} h
      WHERE h.event_id = {event_id} AND h.student_id = {student} AND h.status IN {active} LIMIT 1) AS existing,
    COUNT(*) FILTER (WHERE e.campaign_id = {campaign_id}) AS used,
    COUNT(*) FILTER (WHERE e.campaign_id = {campaign_id} AND e.mode = %(offline)s) AS offline_used,
    (ARRAY_AGG(e.id ORDER BY e.starts_at)
        FILTER (WHERE e.id <> {event_id} AND e.starts_at < {ends_at} AND e.ends_at > {starts_at}))[1] AS clash_event_id
FROM {booking} b
JOIN {event} e ON e.id = b.event_id
WHERE b.student_id = {student} AND b.status IN {counted} AND e.status <> %(cancelled)s
"""
# The student and the event the facts are about: parameters, or (`booking_create_self`) the columns of rows read in
# the same statement.
_FACTS_OF_PARAMS = {
    "student": "%(student)s", "event_id": "%(event)s", "campaign_id": "%(campaign)s", "starts_at": "%(starts)s",
    "ends_at": "%(ends)s",
}
_FACTS_OF_ROWS = {
    "student": "s.id", "event_id": "x.id", "campaign_id": "x.campaign_id", "starts_at": "x.starts_at",
    "ends_at": "x.ends_at",
}


_FACTS = ("has_consent", "existing", "used", "offline_used", "clash_event_id")


def _student_facts(*, student: Student, event: Event) -> dict:
    """Everything the rules need to know about the student's other records: a consent in force, their booking on
    this event, the campaign's counted bookings (all and in person), and a counted booking that overlaps this one."""
    if connection.vendor != "postgresql":
        return _student_facts_orm(student=student, event=event)
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(), _facts_params(student_id=student.pk, event=event))
        row = cursor.fetchone()
    return dict(zip(_FACTS, row))


@functools.cache
def _facts_sql(*, of_rows: bool = False) -> str:
    return _FACTS_SQL.format(
        consent=Consent._meta.db_table, booking=Booking._meta.db_table, event=Event._meta.db_table,
        active=statuses_sql(Booking.ACTIVE), counted=statuses_sql(COUNTED),
        **(_FACTS_OF_ROWS if of_rows else _FACTS_OF_PARAMS),
    )


# The statuses the booking statements take as parameters, as plain str: psycopg2 adapts a TextChoices member (a str
# subclass) through a slower lookup than a str, ~1.3 µs each.
_CONFIRMED, _WAITLISTED = Booking.Status.CONFIRMED.value, Booking.Status.WAITLISTED.value


def _facts_constants() -> dict:
    return {"offline": Event.Mode.OFFLINE.value, "cancelled": Event.Status.CANCELLED.value}


def _facts_params(*, student_id: int, event: Event) -> dict:
    return _facts_constants() | {
        "student": student_id, "event": event.pk, "campaign": event.campaign_id, "starts": event.starts_at,
        "ends": event.ends_at,
    }


def _student_facts_orm(*, student: Student, event: Event) -> dict:
    """The same facts through the ORM, for SQLite (development and the fast test run)."""
    here = Booking.objects.filter(event=event, student=OuterRef("pk"), status__in=Booking.ACTIVE).values("status")[:1]
    clash = (
        Booking.objects.filter(student=OuterRef("pk"), status__in=COUNTED)
        .filter(event__starts_at__lt=event.ends_at, event__ends_at__gt=event.starts_at)
        .exclude(event=event)
        .exclude(event__status=Event.Status.CANCELLED)
        .order_by("event__starts_at")
        .values("event_id")[:1]
    )
    return (
        with_usage(Student.objects.filter(pk=student.pk), event.campaign)
        .annotate(
            has_consent=Exists(Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True)),
            existing=Subquery(here),
            clash_event_id=Subquery(clash),
        )
        .values("has_consent", "existing", "used", "offline_used", "clash_event_id")
        .get()
    )


def _counted(*, student: Student, campaign: Campaign) -> dict:
    return (
        counted_bookings(campaign)
        .filter(student=student)
        .aggregate(total=Count("id"), offline=Count("id", filter=Q(event__mode=Event.Mode.OFFLINE)))
    )


# --- locking -------------------------------------------------------------------------------------------------------


def _set_lock_timeout() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def _lock_students(student_ids) -> dict[int, Student]:
    """Lock students in primary-key order: the one order every transaction here uses, so none waits in a circle."""
    students = Student.objects.select_for_update().filter(pk__in=set(student_ids)).order_by("pk")
    return {s.pk: s for s in students}


def _lock_student(student_id: int, *, event: Event) -> tuple[Student, dict | None]:
    """Set the transaction's lock timeout, lock one student, and read them with their `_student_facts` about `event`:
    one round trip on PostgreSQL, and no ORM query to build on the booking path. The facts' statement runs after the
    lock is granted (READ COMMITTED: each statement of the string reads the rows committed before it started), so
    it sees whatever the student's previous attempt committed. Elsewhere: the ORM, and the facts left to the rules."""
    if connection.vendor != "postgresql":
        _set_lock_timeout()
        return _lock_students([student_id])[student_id], None
    with connection.cursor() as cursor:
        cursor.execute(_lock_student_sql(), _facts_params(student_id=student_id, event=event))
        return _student_and_facts(cursor.fetchone())  # psycopg2 answers with the last statement's rows


def _lock_student_sql() -> str:
    lock, facts = _lock_student_texts()
    return (
        f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; "
        f"{prepared('student_lock', lock)}; {prepared('student_facts', facts)}"
    )


@functools.cache
def _lock_student_texts() -> tuple[str, str]:
    table = Student._meta.db_table
    columns = ", ".join("s." + connection.ops.quote_name(f.column) for f in Student._meta.concrete_fields)
    return (
        f"SELECT 1 FROM {table} WHERE id = %(student)s FOR UPDATE",
        f"SELECT {columns}, f.* FROM {table} s CROSS JOIN ({_facts_sql()}) f WHERE s.id = %(student)s",
    )


def _student_and_facts(row) -> tuple[Student, dict]:
    if row is None:
        raise Student.DoesNotExist
    names = _attnames(Student)
    student = Student.from_db(connection.alias, names, row[: len(names)])
    return student, dict(zip(_FACTS, row[len(names):]))


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=event_id)


def _is_busy(exc: OperationalError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "pgcode", None) in _BUSY_PGCODES:
        return True
    # SQLite (development): a writer waited longer than its timeout.
    return connection.vendor == "sqlite" and "locked" in str(exc)


# --- booking -------------------------------------------------------------------------------------------------------


def booking_refusal(*, actor, event: Event, student: Student) -> BookingError | None:
    """Why `actor` cannot book `student` onto `event` now, or None (then a full event offers the waiting list).

    Read-only and without locks: for the event page; `booking_create` decides again under the locks."""
    return _refusal(actor=actor, event=event, student=student, now=timezone.now())


def booking_create(*, actor, event: Event, student: Student) -> Booking:
    """A confirmed booking, or a place on the waiting list when the event is full. Raises BookingError."""
    def book():
        if _may_own_transaction():
            booking = _book_student_in_own_transaction(actor=actor, snapshot=event, student_id=student.pk)
            if booking is not None:
                return booking
        return _booking_create(actor=actor, snapshot=event, student_id=student.pk)

    return _answering_races(book, lambda: Booking.objects.filter(event=event, student=student))


def _answering_races(book, bookings_of_the_student_here):
    """`book()`, with what a race leaves answered: the unique constraint refused a second active booking (a writer
    that skipped the student lock beat us to it: the booking exists, and asking again is harmless, so answer with
    it); a lock not granted in time, a deadlock or a serialization failure (BookingBusy).

    `bookings_of_the_student_here()` makes the queryset of that answer only when it is needed: building an ORM filter
    costs ~0.3 ms of Python, which every booking used to pay for a race that almost never happens."""
    try:
        return book()
    except IntegrityError:
        existing = bookings_of_the_student_here().filter(status__in=Booking.ACTIVE).first()
        if existing is None:
            raise
        return existing
    except OperationalError as exc:
        if _is_busy(exc):
            raise BookingBusy() from exc
        raise


@transaction.atomic
def _booking_create(*, actor, snapshot: Event, student_id: int) -> Booking:
    student, facts = _lock_student(student_id, event=snapshot)
    # Every rule about the student reads rows that change only under this student's lock (their bookings), so it is
    # decided now, against the caller's copy of the event, before the event is touched: the event row, for which every
    # booking of the event queues, is then held only from the seat's claim to the commit.
    now = timezone.now()
    _raise_refusal(actor=actor, event=snapshot, student=student, now=now, facts=facts)
    if connection.vendor == "postgresql":
        booking = _take_place(actor=actor, snapshot=snapshot, student=student, now=now)
        if booking is not None:
            return booking
    # The event's terms changed since the rules were decided, or it started (or this is SQLite): under the event lock
    # its terms are read again, and if they changed (an edit, a cancellation) every rule is decided again.
    event = _lock_event(snapshot.pk)
    if _event_terms(event) != _event_terms(snapshot) or event.starts_at <= timezone.now():
        _raise_refusal(actor=actor, event=event, student=student)
    confirmed = event.seats_taken < event.capacity
    booking = Booking.objects.create(
        event=event,
        student=student,
        booked_by=actor,
        status=Booking.Status.CONFIRMED if confirmed else Booking.Status.WAITLISTED,
    )
    if confirmed:
        # seats_taken <= capacity is also a CHECK constraint: the last line of defence if a lock is ever forgotten.
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
    return booking


# The place and the booking in one statement, the last before the commit: the event row is locked by the statement
# and held only through it and the commit (a FOR UPDATE read, Python, INSERT, UPDATE, COMMIT used to hold it ~24 ms,
# which capped one event at ~40 bookings/s). The row is locked FOR NO KEY UPDATE, the lock an UPDATE takes: it queues
# behind a concurrent place-taking or cancellation (FOR UPDATE), and once granted the row is read again as committed
# (READ COMMITTED re-check), so two bookings can never count the last seat as free; it does not block the KEY SHARE
# that other bookings' foreign keys take. The place is taken only while the event's and the campaign's terms are still
# those the rules were decided against (the `_event_terms`) and the event has not started; then a free seat is
# counted and confirmed, or the booking waits in the queue — decided under the lock a cancellation takes before it
# reads the queue, so a seat freed meanwhile goes to this booking or, through the queue, to the waiting list.
# `clock_timestamp()` is read under the lock: the queue's order (created_at) is the order places were taken in.
# The row is found and locked by its key alone, in a step of its own, and its terms compared after: given the terms
# in the same condition, a generic plan made without statistics chose the index of the campaign's (or the published)
# events and read every one of them under the lock (`test_the_booking_statements_find_the_event_by_its_key_…`).
_TAKE_PLACE_SQL = """
WITH locked AS MATERIALIZED (
    SELECT e.id, e.seats_taken, e.capacity, e.status, e.starts_at, e.ends_at, e.mode, e.grade_min, e.grade_max,
           e.campaign_id
    FROM {event} e
    WHERE e.id = %(event)s
    FOR NO KEY UPDATE
), ev AS (
    SELECT l.id, l.seats_taken < l.capacity AS free
    FROM locked l JOIN {campaign} c ON c.id = l.campaign_id
    WHERE l.starts_at > %(now)s
      AND (l.status, l.starts_at, l.ends_at, l.mode, l.grade_min, l.grade_max, l.campaign_id,
           c.booking_opens_at, c.booking_closes_at, c.grade_min, c.grade_max, c.consent_required,
           c.max_events_per_student, c.max_offline_per_student)
        = (%(terms)s)
), seat AS (
    UPDATE {event} e SET seats_taken = e.seats_taken + 1
    FROM ev WHERE e.id = ev.id AND ev.free AND e.seats_taken < e.capacity
    RETURNING e.id
)
INSERT INTO {booking} (event_id, student_id, status, booked_by_id, created_at, cancelled_at)
SELECT ev.id, %(student)s, CASE WHEN EXISTS (SELECT 1 FROM seat) THEN %(confirmed)s ELSE %(waitlisted)s END,
       %(booked_by)s, clock_timestamp(), NULL
FROM ev
RETURNING id, status, created_at
"""


def _take_place(*, actor, snapshot: Event, student: Student, now: dt.datetime) -> Booking | None:
    """A confirmed booking or a place on the waiting list while the event's terms are those of `snapshot`; None
    (nothing written) if they changed or the event started."""
    sql, params = _take_place_statement(actor=actor, snapshot=snapshot, student=student, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else _placed_booking(row, actor=actor, snapshot=snapshot, student=student)


def _take_place_statement(*, actor, snapshot: Event, student: Student, now: dt.datetime) -> tuple[str, dict]:
    terms = _event_terms(snapshot)
    params = {f"t{i}": value for i, value in enumerate(terms)} | {
        "event": snapshot.pk, "now": now, "student": student.pk, "booked_by": getattr(actor, "pk", None),
        "confirmed": _CONFIRMED, "waitlisted": _WAITLISTED,
    }
    return prepared("take_place", _take_place_text(len(terms))), params


@functools.cache
def _take_place_text(terms: int) -> str:
    return _TAKE_PLACE_SQL.format(
        event=Event._meta.db_table, campaign=Campaign._meta.db_table, booking=Booking._meta.db_table
    ).replace("%(terms)s", ", ".join(f"%(t{i})s" for i in range(terms)))


_PLACED_FIELDS = ("id", "event_id", "student_id", "status", "booked_by_id", "created_at", "cancelled_at")


def _placed_booking(row, *, actor, snapshot: Event, student: Student) -> Booking:
    """The Booking of a row (id, status, created_at[, queue position]) that a place-taking statement returned."""
    pk, status, created_at, *position = row
    booking = Booking.from_db(
        connection.alias, _PLACED_FIELDS,
        (pk, snapshot.pk, student.pk, status, getattr(actor, "pk", None), created_at, None),
    )
    booking.event, booking.student = snapshot, student
    if position:
        booking.queue_position = position[0]
    return booking


# --- booking in two round trips -------------------------------------------------------------------------------------
#
# Where the caller is not inside a transaction of its own (a request: Django runs in autocommit), the booking is one
# transaction written as two round trips to PostgreSQL instead of the four of an atomic block (BEGIN, the student,
# the place, COMMIT): the first opens the transaction, locks the student and reads their facts; the rules are decided
# in Python; the second takes the place AND commits, then reads the booking back with its place in the queue. The event
# row is therefore locked and released inside one message to the server: between the seat's claim and the commit no
# Python runs — no network hop, no wait for a gunicorn thread's turn at the GIL — so a popular event's queue moves at
# the database's pace. Whatever fails between the two (a refusal, an error) is rolled back before the connection is
# used again, or the connection is closed.

_PLACED_SQL = """
SELECT b.id, b.status, b.created_at,
       CASE WHEN b.status = %(waitlisted)s THEN 1 + {ahead} END
FROM {booking} b
WHERE b.student_id = %(student)s AND b.event_id = %(event)s AND b.status IN {active}
"""


@functools.cache
def _placed_text() -> str:
    return (
        _PLACED_SQL.replace("{ahead}", queue_ahead_sql(event="b.event_id", created_at="b.created_at", pk="b.id"))
        .replace("{booking}", Booking._meta.db_table)
        .replace("{active}", statuses_sql(Booking.ACTIVE))
    )


def _may_own_transaction() -> bool:
    return connection.vendor == "postgresql" and connection.get_autocommit() and not connection.in_atomic_block


def _book_in_own_transaction(*, actor, first_sql: str, params: dict, read) -> Booking | None:
    """A booking in two round trips (see above). `first_sql` locks the student and reads what the rules need;
    `read(row)` makes (student, event, facts) of its row, or None when this path does not apply. None (nothing written,
    nothing held) then, or when the event's terms changed under the rules: the caller books the long way."""
    placed_sql = prepared("placed", _placed_text())
    done = False
    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN; " + first_sql, params)
            found = read(cursor.fetchone())
            if found is None:
                return None
            student, snapshot, facts = found
            now = timezone.now()
            _raise_refusal(actor=actor, event=snapshot, student=student, now=now, facts=facts)
            take_sql, take_params = _take_place_statement(actor=actor, snapshot=snapshot, student=student, now=now)
            # The booking is read back after the commit by its event and student: the student's bookings changed only
            # under their lock, and at most one of them is active on an event (a unique index), so it is this one.
            cursor.execute(f"{take_sql}; COMMIT; {placed_sql}", take_params)
            done = True
            row = cursor.fetchone()
    finally:
        if not done:
            _roll_back_own_transaction()
    return None if row is None else _placed_booking(row, actor=actor, snapshot=snapshot, student=student)


def _book_student_in_own_transaction(*, actor, snapshot: Event, student_id: int) -> Booking | None:
    def read(row):
        student, facts = _student_and_facts(row)
        return student, snapshot, facts

    return _book_in_own_transaction(
        actor=actor, first_sql=_lock_student_sql(), params=_facts_params(student_id=student_id, event=snapshot),
        read=read,
    )


def booking_create_self(*, actor, event_id: int) -> Booking | None:
    """A student books themself onto the published event `event_id`: the booking path's most common request (and a
    popular event's whole queue), in two round trips and no other query. The first locks the student found by the
    actor's key and reads them, the event with its campaign and every fact the rules need, in one statement; the
    rules are decided (`_refusal`, as on every path); the second takes the place and commits.

    None when this way does not apply — not PostgreSQL, inside a caller's transaction, the actor is not a student, no
    published event has this key, or the event's terms changed meanwhile — and then nothing was written: the caller
    takes the general way (`event_public_get`, the student to book, `booking_create`), which answers each of those
    cases as it always does. Raises BookingError (BookingBusy when the student's lock was not granted in time)."""
    if not _may_own_transaction():
        return None
    lock, read_sql, sizes = _self_texts()
    params = _facts_constants() | {"actor": actor.pk, "event": event_id}
    first_sql = f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; {prepared('self_lock', lock)}; {prepared('self_read', read_sql)}"

    def read(row):
        if row is None:
            return None
        student_end, event_end, campaign_end = sizes
        student = Student.from_db(connection.alias, _attnames(Student), row[:student_end])
        event = Event.from_db(connection.alias, _attnames(Event, self_path=True), row[student_end:event_end])
        if event.status != Event.Status.PUBLISHED:
            return None
        campaign = Campaign.from_db(connection.alias, _attnames(Campaign), row[event_end:campaign_end])
        Event._meta.get_field("campaign").set_cached_value(event, campaign)
        return student, event, dict(zip(_FACTS, row[campaign_end:]))

    return _answering_races(
        lambda: _book_in_own_transaction(actor=actor, first_sql=first_sql, params=params, read=read),
        lambda: Booking.objects.filter(event_id=event_id, student__user=actor),
    )


# Columns `booking_create_self` does not read: the event's long texts, which the rules and the answer never show (an
# instance made without them loads them if ever asked, with a query of its own).
_SELF_UNREAD = {Event: {"description", "coordinator_comment"}}


@functools.cache
def _read_fields(model, *, self_path: bool = False) -> tuple:
    unread = _SELF_UNREAD.get(model, set()) if self_path else set()
    return tuple(f for f in model._meta.concrete_fields if f.name not in unread)


@functools.cache
def _attnames(model, *, self_path: bool = False) -> list[str]:
    return [f.attname for f in _read_fields(model, self_path=self_path)]


@functools.cache
def _self_texts() -> tuple[str, str, tuple[int, int, int]]:
    """`booking_create_self`'s two statements: lock the student whose user is the actor; read them, the event and its
    campaign and the student's facts about it (no row: not a student, or no such event). The event is found by its key
    alone and whether it is published is read in Python: with its status in the condition too, a generic plan made
    without statistics read the index of every published event."""
    qn = connection.ops.quote_name
    tables = {model: qn(model._meta.db_table) for model in (Student, Event, Campaign)}
    user_column = qn(Student._meta.get_field("user").column)
    models = ((Student, "s"), (Event, "x"), (Campaign, "k"))
    columns = [f"{alias}.{qn(f.column)}" for model, alias in models for f in _read_fields(model, self_path=True)]
    lock = f"SELECT 1 FROM {tables[Student]} WHERE {user_column} = %(actor)s FOR UPDATE"
    read = (
        f"SELECT {', '.join(columns)}, f.* FROM {tables[Student]} s "
        f"JOIN {tables[Event]} x ON x.id = %(event)s "
        f"JOIN {tables[Campaign]} k ON k.id = x.{qn(Event._meta.get_field('campaign').column)} "
        f"CROSS JOIN LATERAL ({_facts_sql(of_rows=True)}) f "
        f"WHERE s.{user_column} = %(actor)s"
    )
    sizes = list(itertools.accumulate(len(_read_fields(model, self_path=True)) for model, _alias in models))
    return lock, read, tuple(sizes)


def _roll_back_own_transaction() -> None:
    """End a transaction opened by `BEGIN` outside Django's bookkeeping; close the connection if that fails, so no
    later query can run inside it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
    except Exception:  # the exception on its way out is the one to report; this connection is not to be reused
        logger.warning("booking: ROLLBACK failed, closing the connection", exc_info=True)
        connection.close()


def _raise_refusal(*, actor, event: Event, student: Student, now: dt.datetime | None = None, facts=None) -> None:
    refusal = _refusal(actor=actor, event=event, student=student, now=now or timezone.now(), facts=facts)
    if refusal is not None:
        raise refusal


def _event_terms(event: Event) -> tuple:
    """What the rules read from the event and its campaign: while these stay the same, a decision stands."""
    campaign = event.campaign
    return (
        event.status, event.starts_at, event.ends_at, event.mode, event.grade_min, event.grade_max, event.campaign_id,
        campaign.booking_opens_at, campaign.booking_closes_at, campaign.grade_min, campaign.grade_max,
        campaign.consent_required, campaign.max_events_per_student, campaign.max_offline_per_student,
    )


def bookings_create_for_students(*, actor, event: Event, students) -> list[tuple[Student, Booking | None, BookingError | None]]:
    """A navigator's class booking: one line per student. Each student is booked in a transaction of their own, so
    one refusal (or the event filling up) does not undo the others."""
    lines = []
    for student in students:
        try:
            lines.append((student, booking_create(actor=actor, event=event, student=student), None))
        except BookingError as error:
            lines.append((student, None, error))
    return lines


# --- cancellation and the waiting list ------------------------------------------------------------------------------


def booking_cancel(*, actor, booking: Booking) -> Booking:
    """Cancel a confirmed booking (until `cancel_hours_before` the start) or leave the waiting list (always).

    A freed seat goes, in the same transaction, to the first waiting student who passes every rule; they and their
    guardians are told by email after the commit."""
    try:
        return _booking_cancel(actor=actor, booking_id=booking.pk)
    except OperationalError as exc:
        if _is_busy(exc):
            raise BookingBusy() from exc
        raise


@transaction.atomic
def _booking_cancel(*, actor, booking_id: int) -> Booking:
    _set_lock_timeout()
    snapshot = Booking.objects.select_related("event__campaign").get(pk=booking_id)
    students = _lock_students([snapshot.student_id])
    booking = Booking.objects.get(pk=booking_id)
    student = students[booking.student_id]
    booking.student = student
    if not _may_act_for(actor, student):
        raise BookingError(
            _("You may cancel only your own booking, your child's or a booking of a student of your school."),
            "not_allowed",
        )
    if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED):
        raise BookingError(_("This booking is no longer active; there is nothing to cancel."), "not_active")
    was_confirmed = booking.status == Booking.Status.CONFIRMED
    verdicts = {}
    if was_confirmed:
        _check_cancel_deadline(snapshot.event)
        heir = _lock_heir(event=snapshot.event, exclude=student.pk)
        if heir is not None:
            students[heir.pk] = heir
            verdicts[heir.pk] = True
    event = _lock_event(booking.event_id)
    now = timezone.now()
    if was_confirmed:
        _check_cancel_deadline(event)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
        event.seats_taken -= 1
        if _event_terms(event) != _event_terms(snapshot.event):
            verdicts = {}
        _promote(event=event, locked=students, now=now, verdicts=verdicts)
    return booking


def _check_cancel_deadline(event: Event) -> None:
    hours = event.campaign.cancel_hours_before
    deadline = event.starts_at - dt.timedelta(hours=hours)
    if timezone.now() >= deadline:
        message = ngettext(
            "A booking can be cancelled until %(hours)s hour before the start; that time passed on %(deadline)s.",
            "A booking can be cancelled until %(hours)s hours before the start; that time passed on %(deadline)s.",
            hours,
        )
        raise BookingError(message % {"hours": hours, "deadline": _when(deadline)}, "cancel_deadline")


def waitlist_promote(*, event: Event) -> list[Booking]:
    """Fill the free seats of `event` from its waiting list (e.g. after its capacity was raised)."""
    try:
        return _waitlist_promote(event_id=event.pk)
    except OperationalError as exc:
        if _is_busy(exc):
            raise BookingBusy() from exc
        raise


@transaction.atomic
def _waitlist_promote(*, event_id: int) -> list[Booking]:
    _set_lock_timeout()
    students = _lock_students(_queue_head(event_id))
    event = _lock_event(event_id)
    return _promote(event=event, locked=students, now=timezone.now(), verdicts={})


def _queue_head(event_id: int) -> list[int]:
    return list(
        Booking.objects.filter(event_id=event_id, status=Booking.Status.WAITLISTED)
        .order_by("created_at", "pk")
        .values_list("student_id", flat=True)[:PROMOTION_PRELOCK]
    )


def _lock_heir(*, event: Event, exclude: int) -> Student | None:
    """The waiting student who will get the seat a cancellation frees: the first in the queue who passes every rule
    and whose row is free to lock now, locked and decided before the event lock.

    SKIP LOCKED, never a wait: this runs after the cancelling student's lock, out of key order, so waiting here could
    close a circle. A student skipped because they are busy (another cancellation is handing them a seat, or they are
    booking elsewhere) keeps their place; see `_promote` for the seat nobody free could take."""
    now = timezone.now()
    queue = [pk for pk in _queue_head(event.pk) if pk != exclude]
    waiting = {s.pk: s for s in Student.objects.filter(pk__in=queue)}
    for student_id in queue:
        if _refusal(actor=None, event=event, student=waiting[student_id], now=now, promotion=True) is not None:
            continue
        student = Student.objects.select_for_update(skip_locked=True).filter(pk=student_id).first()
        if student is None:
            continue
        if _refusal(actor=None, event=event, student=student, now=timezone.now(), promotion=True) is None:
            return student
    return None


def _promote(*, event: Event, locked: dict[int, Student], now: dt.datetime, verdicts: dict[int, bool]) -> list[Booking]:
    """Give the free seats of the locked `event` to the waiting list in order, skipping (and keeping in the queue)
    those who fail a rule now. Runs inside the caller's transaction, after the student locks and the event lock;
    `verdicts` are decisions already taken for locked students against the same terms of the event."""
    free = event.capacity - event.seats_taken
    if free <= 0 or event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return []
    promoted: list[Booking] = []
    busy_skipped = False
    queue = Booking.objects.filter(event=event, status=Booking.Status.WAITLISTED).order_by("created_at", "pk")
    for entry in queue.iterator():
        if len(promoted) == free:
            break
        student = locked.get(entry.student_id)
        if student is None:
            # Not locked up front: waiting for this lock now, while holding the event, could close a circle with a
            # transaction that holds the student and waits for the event. Take it only if it is free.
            student = Student.objects.select_for_update(skip_locked=True).filter(pk=entry.student_id).first()
            if student is None:
                busy_skipped = True
                continue
        eligible = verdicts.get(student.pk)
        if eligible is None:
            eligible = _refusal(actor=None, event=event, student=student, now=now, promotion=True) is None
        if not eligible:
            continue
        Booking.objects.filter(pk=entry.pk, status=Booking.Status.WAITLISTED).update(status=Booking.Status.CONFIRMED)
        entry.status = Booking.Status.CONFIRMED
        entry.student = student
        promoted.append(entry)
    if promoted:
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + len(promoted))
        event.seats_taken += len(promoted)
        _notify_promoted(event=event, bookings=promoted)
    if busy_skipped and len(promoted) < free:
        # A seat is still free and someone eligible may be waiting behind a lock: try again once they are done, in
        # a transaction of its own that may wait for them (students first, then the event).
        from ..tasks.bookings import promote_waitlist

        transaction.on_commit(partial(promote_waitlist.delay, event_id=event.pk), robust=True)
    return promoted


def _notify_promoted(*, event: Event, bookings: list[Booking]) -> None:
    from bilet.models import NotificationKind

    from .notifications import event_email_context, event_link, notify_students

    notify_students(
        student_ids=[b.student_id for b in bookings],
        kind=NotificationKind.BOOKING_PROMOTED,
        link=event_link(event),
        subject=_("A place is free for you: «%(title)s»") % {"title": event.title},
        template_name="venues/email/waitlist_promoted.txt",
        context=event_email_context(event) | {"students": [b.student.full_name for b in bookings]},
    )


# --- what the campaign still allows ---------------------------------------------------------------------------------


def event_booking_usage(*, student: Student, campaign: Campaign) -> dict:
    """How much of the campaign's limits a student has used (for "my bookings" and the home page)."""
    counted = _counted(student=student, campaign=campaign)
    return {
        "used": counted["total"],
        "limit": campaign.max_events_per_student,
        "left": max(campaign.max_events_per_student - counted["total"], 0),
        "offline_used": counted["offline"],
        "offline_limit": campaign.max_offline_per_student,
        "offline_left": max(campaign.max_offline_per_student - counted["offline"], 0),
    }
