"""The home section of a student and of a guardian: each child with their consent, what the campaign's limits leave,
and their bookings with the recommendations written."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef

from bilet.roles import get_roles
from participants.models import Consent, Student
from regions.models import Campaign
from venues.models import Booking
from venues.selectors.bookings import family_booking_list, family_student_list, with_usage

from .links import url_or_none


@dataclass
class FamilyMember:
    student: Student
    consent_in_force: bool
    used: int
    offline_used: int
    url: str | None = None
    bookings: list[Booking] = field(default_factory=list)


def family(*, user, campaign: Campaign | None, roles_filter: str) -> list[FamilyMember]:
    """The student themself (`roles_filter="student"`) or a guardian's children (`"guardian"`), each with the
    consent state, what the campaign's limits leave, and their bookings of the campaign — two queries."""
    roles = get_roles(user)
    students = family_student_list(user=user)
    if roles_filter == "student":
        students = students.filter(pk=roles.student_id)
    else:
        students = students.filter(guardians__id=roles.guardian_id)
    students = with_usage(
        students.annotate(
            consent_in_force=Exists(Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True))
        ),
        campaign,
    ).select_related("school")
    # A child's own page for a parent is "my bookings" narrowed to the child: their bookings, results and
    # recommendations (the directory's student page is for the school's and the region's staff).
    bookings_url = url_or_none("venues:my_bookings")
    members = {
        s.pk: FamilyMember(
            s, s.consent_in_force, s.used, s.offline_used,
            f"{bookings_url}?{urlencode({'student': s.pk})}" if bookings_url else None,
        )
        for s in students
    }
    if members:
        bookings = family_booking_list(user=user, students=list(members)).exclude(status=Booking.Status.CANCELLED)
        if campaign is not None:
            bookings = bookings.filter(event__campaign=campaign)
        for booking in bookings.order_by("event__starts_at", "pk"):
            booking.event_url = url_or_none("venues:event_detail", booking.event_id)
            recommendation = getattr(booking, "recommendation", None)  # select_related: no query, None if unwritten
            booking.recommendation_url = (
                url_or_none("venues:recommendation_detail", recommendation.pk) if recommendation else None
            )
            members[booking.student_id].bookings.append(booking)
    return list(members.values())
