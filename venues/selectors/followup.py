"""What happens after a practicum, as each user may see it: registers to take, recommendations to write and read.

Scoping follows SPEC §2 like `venues.selectors`: a record outside these querysets answers 404.
"""

import datetime as dt

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from bilet.roles import get_roles
from participants.models import Guardianship
from regions.models import Campaign

from ..models import Booking, Event, Recommendation
from .events import event_list

# seed 000 §5.4: the coordinator follows up a register not taken by the day after the event.
ATTENDANCE_GRACE = dt.timedelta(days=1)


def attendance_event_list(*, user) -> QuerySet[Event]:
    """Events whose register `user` takes: their venues' events, and every event of a coordinator's region."""
    roles = get_roles(user)
    return event_list(user=user).filter(
        Q(venue_id__in=roles.venue_ids) | Q(region_id__in=roles.coordinator_region_ids)
    )


def attendance_overdue_list(*, user) -> QuerySet[Event]:
    """Published events that ended more than a day ago and whose register nobody has taken, oldest first."""
    return (
        attendance_event_list(user=user)
        .filter(
            status=Event.Status.PUBLISHED,
            attendance_marked_at__isnull=True,
            ends_at__lt=timezone.now() - ATTENDANCE_GRACE,
        )
        .annotate(booked=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)))
        .order_by("ends_at", "pk")
    )


def recommendation_overdue_q(now: dt.datetime | None = None) -> Q:
    """Bookings whose recommendation was due before `now`: the event ended more than the campaign's days ago.

    The days are a campaign setting; there are a handful of distinct values, so one OR-ed condition per value
    keeps the filter in SQL and on the events' `ends_at` without date arithmetic the databases spell differently."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for days in Campaign.objects.order_by().values_list("recommendation_days", flat=True).distinct():
        q |= Q(event__campaign__recommendation_days=days, event__ends_at__lt=now - dt.timedelta(days=days))
    return q


def mentor_booking_list(*, user) -> QuerySet[Booking]:
    """Attended bookings on the events `user` mentors: the students they write recommendations for."""
    mentor_id = get_roles(user).mentor_id
    if mentor_id is None:
        return Booking.objects.none()
    return Booking.objects.select_related(
        "event", "event__campaign", "event__venue", "event__competency", "student", "student__school",
    ).filter(
        status=Booking.Status.ATTENDED,
        event__in=Event.objects.filter(mentors__id=mentor_id).values("pk"),
    )


def mentor_pending_list(*, user) -> QuerySet[Booking]:
    """The mentor's attended students still without a recommendation, the ones due first on top."""
    return mentor_booking_list(user=user).filter(recommendation__isnull=True).order_by("event__ends_at", "pk")


def recommendation_list(*, user) -> QuerySet[Recommendation]:
    """Recommendations `user` may read: the student's own, a guardian's children's, a navigator's school's, the
    author mentor's, and a region's for its coordinator and curator (who follow them up, SPEC §2)."""
    roles = get_roles(user)
    qs = Recommendation.objects.select_related(
        "booking", "booking__student", "booking__student__school", "booking__event", "booking__event__venue",
        "booking__event__campaign", "competency", "mentor",
    )
    if roles.operator:
        return qs
    q = Q(booking__event__region_id__in=roles.region_ids)
    if roles.mentor_id is not None:
        q |= Q(mentor_id=roles.mentor_id)
    if roles.navigator_school_ids:
        q |= Q(booking__student__school_id__in=roles.navigator_school_ids)
    if roles.guardian_id is not None:
        q |= Q(
            booking__student_id__in=Guardianship.objects.filter(guardian_id=roles.guardian_id).values("student_id")
        )
    if roles.student_id is not None:
        q |= Q(booking__student_id=roles.student_id)
    return qs.filter(q)


def mentor_written_list(*, user) -> QuerySet[Recommendation]:
    mentor_id = get_roles(user).mentor_id
    if mentor_id is None:
        return Recommendation.objects.none()
    return recommendation_list(user=user).filter(mentor_id=mentor_id).order_by("-updated_at", "-pk")


def can_follow_up_recommendations(roles) -> bool:
    return bool(roles.operator or roles.region_ids)


def recommendation_overdue_bookings(*, user) -> QuerySet[Booking]:
    """Attended bookings of the user's regions whose recommendation is overdue and not written."""
    roles = get_roles(user)
    if not can_follow_up_recommendations(roles):
        return Booking.objects.none()
    bookings = Booking.objects.filter(
        recommendation_overdue_q(), status=Booking.Status.ATTENDED, recommendation__isnull=True,
    )
    if roles.operator:
        return bookings
    return bookings.filter(event__region_id__in=roles.region_ids)


def recommendation_overdue_summary(*, user):
    """Overdue recommendations counted per mentor of the event and venue, worst first.

    An event with two mentors counts its pending students for each (either may write); an event with no mentor
    yields a row with no mentor, which is exactly what the coordinator must chase."""
    return (
        recommendation_overdue_bookings(user=user)
        .values(
            "event__mentors__id", "event__mentors__last_name", "event__mentors__first_name",
            "event__mentors__middle_name", "event__venue_id", "event__venue__short_name", "event__region__name",
        )
        .annotate(overdue=Count("pk"), events=Count("event_id", distinct=True), oldest_end=Min("event__ends_at"))
        .order_by("-overdue", "event__mentors__last_name", "event__venue__short_name")
    )
