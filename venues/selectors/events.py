"""Venues, mentors, events and bookings a user may see (SPEC §2)."""

import datetime as dt
import functools

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from bilet.db import fetch_prepared, model_columns
from bilet.ids import parse_id
from bilet.lists import related_count
from bilet.roles import get_roles
from participants.models import Guardianship
from regions.models import Campaign

from ..models import Booking, Event, Mentor, Venue, VenueCampaign


def venue_list(*, user) -> QuerySet[Venue]:
    roles = get_roles(user)
    qs = Venue.objects.select_related("region", "municipality")
    if roles.operator:
        return qs
    q = Q(region_id__in=roles.region_ids) | Q(id__in=roles.venue_ids)
    if roles.mentor_id is not None:
        q |= Q(id__in=Venue.objects.filter(mentors__id=roles.mentor_id).values("id"))
    return qs.filter(q)


def mentor_list(*, user) -> QuerySet[Mentor]:
    roles = get_roles(user)
    qs = Mentor.objects.select_related("region", "user")
    if roles.operator:
        return qs
    q = Q(region_id__in=roles.region_ids)
    if roles.venue_ids:
        q |= Q(id__in=Mentor.objects.filter(venues__id__in=roles.venue_ids).values("id"))
    if roles.mentor_id is not None:
        q |= Q(pk=roles.mentor_id)
    return qs.filter(q)


def event_list(*, user) -> QuerySet[Event]:
    """Events in a user's working scope, in every status (the catalog is `catalog_event_list`)."""
    roles = get_roles(user)
    qs = Event.objects.select_related("venue", "region", "competency", "campaign")
    if roles.operator:
        return qs
    q = Q(region_id__in=roles.region_ids) | Q(venue_id__in=roles.venue_ids)
    if roles.mentor_id is not None:
        q |= Q(id__in=Event.objects.filter(mentors__id=roles.mentor_id).values("id"))
    return qs.filter(q)


def catalog_event_list() -> QuerySet[Event]:
    """Published events that have not started: what every family may browse."""
    return Event.objects.select_related("venue", "region", "competency", "venue__municipality").filter(
        status=Event.Status.PUBLISHED, starts_at__gt=timezone.now()
    )


def booking_list(*, user) -> QuerySet[Booking]:
    roles = get_roles(user)
    qs = Booking.objects.select_related("event", "event__venue", "student", "student__school")
    if roles.operator:
        return qs
    q = Q(event__region_id__in=roles.region_ids) | Q(event__venue_id__in=roles.venue_ids)
    if roles.mentor_id is not None:
        q |= Q(event__in=Event.objects.filter(mentors__id=roles.mentor_id).values("id"), status="attended")
    family = Q(pk__in=[])
    if roles.navigator_school_ids:
        family |= Q(student__school_id__in=roles.navigator_school_ids)
    if roles.guardian_id is not None:
        family |= Q(student_id__in=Guardianship.objects.filter(guardian_id=roles.guardian_id).values("student_id"))
    if roles.student_id is not None:
        family |= Q(student_id=roles.student_id)
    return qs.filter(q | family)


def event_public_list(*, user) -> QuerySet[Event]:
    """Events whose page `/events/<id>/` the user may open: every published event (families come back to one they
    booked after it started), and any event in the user's working scope (staff preview drafts and submissions)."""
    roles = get_roles(user)
    published = Q(status=Event.Status.PUBLISHED)
    if not roles.is_staff_role and roles.mentor_id is None:
        return Event.objects.select_related("venue", "region", "competency", "campaign").filter(published)
    return Event.objects.select_related("venue", "region", "competency", "campaign").filter(
        published | Q(pk__in=event_list(user=user).values("pk"))
    )


def event_public_get(*, user, pk: int) -> Event | None:
    """The event of `event_public_list(user=…)` with this key, with its campaign, or None.

    For a family (no working scope) that is a published event, read with a prepared hand-written statement
    (`bilet.db.fetch_prepared`, the same text on SQLite): building the ORM's query cost more than PostgreSQL took to
    answer it. The statement finds the event by its key alone and Python checks that it is published: with the status
    in the condition too, a generic plan made without statistics read the index of every published event."""
    if parse_id(pk) is None:
        return None  # a key no row can have: the statement's bigint parameter would overflow
    roles = get_roles(user)
    if roles.is_staff_role or roles.mentor_id is not None:
        return event_public_list(user=user).select_related(None).select_related("campaign").filter(pk=pk).first()
    sql, event_fields, campaign_fields = _event_public_text()
    rows = fetch_prepared("event_public", sql, {"pk": pk}, (*event_fields, *campaign_fields))
    if not rows:
        return None
    row = rows[0]
    event = Event.from_db(connection.alias, [f.attname for f in event_fields], row[: len(event_fields)])
    if event.status != Event.Status.PUBLISHED:
        return None
    campaign = Campaign.from_db(connection.alias, [f.attname for f in campaign_fields], row[len(event_fields):])
    Event._meta.get_field("campaign").set_cached_value(event, campaign)
    return event


@functools.cache
def _event_public_text() -> tuple[str, tuple, tuple]:
    """`event_public_get`'s statement, and the fields of the event's and the campaign's columns in it."""
    qn = connection.ops.quote_name
    event_columns, event_fields = model_columns(Event, "e")
    campaign_columns, campaign_fields = model_columns(Campaign, "c")
    campaign_column = Event._meta.get_field("campaign").column
    sql = (
        f"SELECT {', '.join(event_columns + campaign_columns)} FROM {qn(Event._meta.db_table)} e "
        f"JOIN {qn(Campaign._meta.db_table)} c ON c.{qn(Campaign._meta.pk.column)} = e.{qn(campaign_column)} "
        f"WHERE e.{qn(Event._meta.pk.column)} = %(pk)s"
    )
    return sql, event_fields, campaign_fields


# --- the staff's scheduling pages ----------------------------------------------------------------------------------


def staff_venue_list(*, user) -> QuerySet[Venue]:
    """The venues the user works at (venue staff), as opposed to those they may merely see."""
    return venue_list(user=user).filter(pk__in=get_roles(user).venue_ids)


def venue_mentor_list(*, venues) -> QuerySet[Mentor]:
    """Mentors who may run an event of these venues (querysets or ids), by name."""
    return Mentor.objects.filter(venues__in=venues).distinct().order_by("last_name", "first_name")


def event_queue_list(*, user) -> QuerySet[Event]:
    """The coordinator's approval queue: submitted events of their regions, oldest submission first."""
    roles = get_roles(user)
    events = event_list(user=user).filter(status=Event.Status.SUBMITTED)
    if not roles.operator:
        events = events.filter(region_id__in=roles.coordinator_region_ids)
    return events.order_by("submitted_at", "pk")


def event_calendar_list(*, user, start: dt.date, end: dt.date) -> QuerySet[Event]:
    """Events the user may see starting on the local days [start, end), cancelled ones left out."""
    tz = timezone.get_current_timezone()
    return (
        event_list(user=user)
        .exclude(status=Event.Status.CANCELLED)
        .filter(
            starts_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            starts_at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=tz),
        )
        .order_by("starts_at", "pk")
    )


def event_manage_get(*, user, pk: int) -> Event:
    """One event of the staff's detail page, with its booking counts; raises Event.DoesNotExist outside scope."""
    return (
        event_list(user=user)
        .annotate(
            confirmed_count=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
            waitlisted_count=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
            attended_count=Count("bookings", filter=Q(bookings__status=Booking.Status.ATTENDED)),
        )
        .select_related("created_by", "venue__municipality")
        .prefetch_related("accessible_for", Prefetch("mentors", queryset=Mentor.objects.order_by("last_name")))
        .get(pk=pk)
    )


# --- the venue directory ------------------------------------------------------------------------------------------


def current_assignment():
    """The venue's (OuterRef) assignment to the active campaign, for subqueries."""
    return VenueCampaign.objects.filter(venue=OuterRef("pk"), campaign__is_active=True)


def venue_rows(qs):
    """Venues with the current campaign's contract status and their upcoming published events, in one query."""
    return qs.annotate(
        contract_status=Subquery(current_assignment().values("contract_status")[:1]),
        upcoming_events=related_count(
            Venue, "events", status=Event.Status.PUBLISHED, starts_at__gt=timezone.now()
        ),
    )


def mentor_rows(qs: QuerySet[Mentor]) -> QuerySet[Mentor]:
    """Mentors with the number of their events, competencies and venues, for the directory."""
    return qs.annotate(events_count=related_count(Mentor, "events")).prefetch_related("competencies", "venues")
