"""Reads for the booking pages: whose bookings a user may act on, queue positions, and the campaign's usage.

The rules themselves live in `venues.services.booking`; the navigator's class form below pre-filters in SQL with the
same definitions (`counted_bookings`) so a school of hundreds of students costs one query, and the service decides
again for each ticked student.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from bilet.roles import get_roles
from participants.models import Consent, Guardianship, Student
from participants.selectors import bookable_students
from regions.models import Campaign

from ..models import Booking, Event
from .events import event_public_list

# Statuses that hold a place in the campaign's limits (and in a student's timetable); see services/booking/rules.py.
COUNTED = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)


def counted_bookings(campaign: Campaign) -> QuerySet[Booking]:
    """Bookings that count toward `campaign`'s limits: confirmed, attended or no-show, on events not cancelled."""
    return Booking.objects.filter(event__campaign=campaign, status__in=COUNTED).exclude(
        event__status=Event.Status.CANCELLED
    )


def actionable_booking_list(*, user) -> QuerySet[Booking]:
    """Bookings the user may cancel: their own, their children's, their school's students' (a navigator)."""
    return Booking.objects.select_related("event", "event__campaign", "student").filter(
        student__in=bookable_students(user=user).values("pk")
    )


def family_student_list(*, user, student_id: int | None = None) -> QuerySet[Student]:
    """The student themself and a guardian's children: whose "my bookings" the user reads (only `student_id` of
    them, when given)."""
    roles = get_roles(user)
    q = Q(pk__in=[])
    if roles.student_id is not None:
        q |= Q(pk=roles.student_id)
    if roles.guardian_id is not None:
        q |= Q(pk__in=Guardianship.objects.filter(guardian_id=roles.guardian_id).values("student_id"))
    students = Student.objects.filter(q, anonymised_at__isnull=True)
    if student_id is not None:
        students = students.filter(pk=student_id)
    return students.order_by("last_name", "first_name", "pk")


def with_usage(students: QuerySet[Student], campaign: Campaign | None) -> QuerySet[Student]:
    """Annotate `used` and `offline_used`: the campaign's counted bookings of each student, in the same query."""
    if campaign is None:
        return students.annotate(used=Value(0), offline_used=Value(0))

    def count(qs):
        subquery = qs.filter(student=OuterRef("pk")).order_by().values("student").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)

    counted = counted_bookings(campaign)
    return students.annotate(used=count(counted), offline_used=count(counted.filter(event__mode=Event.Mode.OFFLINE)))


def with_queue_position(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Annotate `queue_position` (1 = next to get a seat), meaningful for waitlisted bookings.

    The places ahead are counted in two parts: the bookings queued at an earlier instant, which the (event, status,
    created_at) index answers alone, and the rare ones of the very same instant with a smaller key. Bounded by the
    booking's own time, the count reads the places ahead only, not the whole queue of a popular event."""

    def ahead(**order):
        waiting = Booking.objects.filter(event_id=OuterRef("event_id"), status=Booking.Status.WAITLISTED, **order)
        count = waiting.order_by().values("event_id").annotate(n=Count("*")).values("n")
        return Coalesce(Subquery(count, output_field=IntegerField()), 0)

    earlier = ahead(created_at__lt=OuterRef("created_at"))
    same_instant = ahead(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    return bookings.annotate(queue_position=earlier + same_instant + 1)


def queue_position(booking: Booking) -> int | None:
    """`with_queue_position` of one booking: None unless it is waitlisted."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    if "queue_position" in booking.__dict__:  # annotated already
        return booking.queue_position
    return with_queue_position(Booking.objects.filter(pk=booking.pk)).values_list("queue_position", flat=True)[0]


def family_booking_list(*, user, students) -> QuerySet[Booking]:
    """The bookings of `students` (already scoped by `family_student_list`) with what "my bookings" shows."""
    return with_queue_position(
        Booking.objects.filter(student__in=students)
        .select_related(
            "event", "event__venue", "event__campaign", "student",
            "recommendation", "recommendation__competency", "recommendation__mentor",
        )
        .order_by("-event__starts_at", "pk")
    )


def navigator_eligible_students(*, user, event: Event) -> QuerySet[Student]:
    """Students of the navigator's schools who may be booked onto `event` now (the class form's checkboxes)."""
    roles = get_roles(user)
    campaign = event.campaign
    students = Student.objects.filter(
        school_id__in=roles.navigator_school_ids,
        anonymised_at__isnull=True,
        grade__gte=max(campaign.grade_min, event.grade_min),
        grade__lte=min(campaign.grade_max, event.grade_max),
    ).exclude(Exists(Booking.objects.filter(event=event, student=OuterRef("pk"), status__in=Booking.ACTIVE)))
    if campaign.consent_required:
        students = students.filter(
            Exists(Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True))
        )
    clash = (
        Booking.objects.filter(student=OuterRef("pk"), status__in=COUNTED)
        .filter(event__starts_at__lt=event.ends_at, event__ends_at__gt=event.starts_at)
        .exclude(event=event)
        .exclude(event__status=Event.Status.CANCELLED)
    )
    students = with_usage(students.exclude(Exists(clash)), campaign).filter(used__lt=campaign.max_events_per_student)
    if event.mode == Event.Mode.OFFLINE:
        students = students.filter(offline_used__lt=campaign.max_offline_per_student)
    return students.select_related("school").order_by("grade", "class_letter", "last_name", "first_name", "pk")


def event_family_booking_list(*, user, event: Event, students) -> QuerySet[Booking]:
    """The active bookings on `event` of `students` (the user's family, from `family_student_list`), with their
    places in the queue: what the event page's booking box shows."""
    return with_queue_position(
        Booking.objects.filter(event=event, student__in=students, status__in=Booking.ACTIVE)
    )


def family_calendar_booking_list(*, user, students) -> QuerySet[Booking]:
    """The confirmed bookings of `students` (the user's family) on events not cancelled: the calendar file."""
    return (
        Booking.objects.filter(student__in=students, status=Booking.Status.CONFIRMED)
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event", "event__venue", "student")
        .order_by("event__starts_at", "pk")
    )


def navigator_student_list(*, user, ids=None) -> QuerySet[Student]:
    """The students of the navigator's own schools whom they may book (a tampered id outside them is a 404); only
    those of `ids` when given, in the class form's order."""
    students = bookable_students(user=user).filter(school_id__in=get_roles(user).navigator_school_ids)
    if ids is not None:
        students = students.filter(pk__in=ids)
    return students.order_by("grade", "class_letter", "last_name", "first_name", "pk")


def class_booking_event_list(*, user) -> QuerySet[Event]:
    """The events a navigator may book a class onto: published ones they can see."""
    return event_public_list(user=user).filter(status=Event.Status.PUBLISHED)


def queue_positions(*, user, booking_ids) -> dict[int, int]:
    """{booking id: place in its event's queue} for those of `booking_ids` the user may act on."""
    return dict(
        with_queue_position(Booking.objects.filter(pk__in=booking_ids, student__in=bookable_students(user=user).values("pk")))
        .values_list("pk", "queue_position")
    )


# --- a navigator's list of their students' bookings (issue 12 §17) --------------------------------------------------


def _school_students(user) -> QuerySet[Student]:
    return Student.objects.filter(school_id__in=get_roles(user).navigator_school_ids, anonymised_at__isnull=True)


def school_booking_list(*, user) -> QuerySet[Booking]:
    """The bookings of the students of the navigator's schools (nobody else's: another school's navigator sees none),
    with what the list shows of each."""
    return Booking.objects.filter(student__in=_school_students(user).values("pk")).select_related(
        "event", "event__venue", "event__campaign", "student", "student__school"
    )


def school_class_list(*, user) -> list[tuple[int, str, int, str]]:
    """The classes of the navigator's schools that have students: (school id, school name, grade, letter)."""
    return list(
        _school_students(user)
        .order_by("school__short_name", "school_id", "grade", "class_letter")
        .values_list("school_id", "school__short_name", "grade", "class_letter")
        .distinct()
    )


def school_booked_event_list(*, user) -> QuerySet[Event]:
    """The events on which the navigator's students have bookings, the latest first."""
    return Event.objects.filter(
        pk__in=Booking.objects.filter(student__in=_school_students(user).values("pk")).values("event_id")
    ).order_by("-starts_at", "pk")
