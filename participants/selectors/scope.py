"""Which navigators, students, guardians and consents a user may see (SPEC §2).

Students are minors' personal data: a student is visible to operator staff, the curators and coordinator of their
region, the navigators of their school, their guardians, themselves, the staff of venues where they hold a booking
and the mentors of events they attended — and to nobody else.
"""

from django.db.models import Q, QuerySet

from bilet.roles import get_roles

from ..models import Consent, Guardian, Guardianship, Navigator, Student

# Booking statuses under which a venue sees the student (the booking is "on" the venue's event).
_VENUE_VISIBLE = ["confirmed", "waitlisted", "attended", "no_show"]


def navigator_list(*, user) -> QuerySet[Navigator]:
    roles = get_roles(user)
    qs = Navigator.objects.select_related("user", "school", "school__municipality", "region")
    if roles.operator:
        return qs
    return qs.filter(Q(region_id__in=roles.region_ids) | Q(school_id__in=roles.navigator_school_ids))


def student_scope(roles) -> Q | None:
    """The filter for the students `roles` may see; None means everyone."""
    if roles.operator:
        return None
    q = Q(pk__in=[])
    if roles.region_ids:
        q |= Q(region_id__in=roles.region_ids)
    if roles.navigator_school_ids:
        q |= Q(school_id__in=roles.navigator_school_ids)
    if roles.guardian_id is not None:
        q |= Q(pk__in=children_of(roles.guardian_id))
    if roles.student_id is not None:
        q |= Q(pk=roles.student_id)
    if roles.venue_ids:
        # Reverse lookups by name: participants must not import venues (a higher app).
        q |= Q(
            pk__in=Student.objects.filter(
                bookings__event__venue_id__in=roles.venue_ids, bookings__status__in=_VENUE_VISIBLE
            ).values("pk")
        )
    if roles.mentor_id is not None:
        q |= Q(
            pk__in=Student.objects.filter(
                bookings__event__mentors__id=roles.mentor_id, bookings__status="attended"
            ).values("pk")
        )
    return q


def student_list(*, user) -> QuerySet[Student]:
    roles = get_roles(user)
    qs = Student.objects.select_related("school", "municipality", "region", "nosology")
    scope = student_scope(roles)
    if scope is None:
        return qs
    return qs.filter(scope)


def student_can_be_seen(*, user, student_id: int) -> bool:
    return student_list(user=user).filter(pk=student_id).exists()


def guardian_list(*, user) -> QuerySet[Guardian]:
    """Guardians whose child the user may see (a navigator sees the parents of their school's students)."""
    return Guardian.objects.filter(children__in=student_list(user=user).values("pk")).distinct()


def consent_list(*, user) -> QuerySet[Consent]:
    return Consent.objects.select_related("student", "guardian__user").filter(
        student__in=student_list(user=user).values("pk")
    )


def bookable_students(*, user) -> QuerySet[Student]:
    """Students on whose behalf the user may book: themselves, a guardian's children, a navigator's school."""
    roles = get_roles(user)
    q = family_q(roles)
    if roles.navigator_school_ids:
        q |= Q(school_id__in=roles.navigator_school_ids)
    return Student.objects.select_related("school").filter(q, anonymised_at__isnull=True)


def family_q(roles) -> Q:
    """The user as a student and a guardian's children."""
    q = Q(pk__in=[])
    if roles.student_id is not None:
        q |= Q(pk=roles.student_id)
    if roles.guardian_id is not None:
        q |= Q(pk__in=children_of(roles.guardian_id))
    return q


def children_of(guardian_id: int):
    return Guardianship.objects.filter(guardian_id=guardian_id).values("student_id")
