"""Events suggested by a student's diagnostics results (seed 000 §2.10: «предложения по дальнейшим шагам»)."""

from django.db.models import F, QuerySet
from django.utils import timezone

from participants.models import Student

from ..models import Event
from .events import catalog_event_list

SUGGESTIONS_SHOWN = 6


def events_suggested_for(*, user, student: Student, spheres: list[str]) -> QuerySet[Event]:
    """Published events of the results' spheres that the student could book now: not started, in the student's
    region and grade, with a free seat, in a campaign whose booking window is open and which admits the grade.

    The events are the public catalog's, so `user` (whoever reads the results) narrows nothing; the rules that
    are the student's — consent, the campaign's limits — are left to booking, which names them when refusing."""
    if not spheres:
        return Event.objects.none()
    now = timezone.now()
    return (
        catalog_event_list()
        .filter(
            competency__sphere__in=spheres,
            region_id=student.region_id,
            seats_taken__lt=F("capacity"),
            grade_min__lte=student.grade,
            grade_max__gte=student.grade,
            campaign__booking_opens_at__lte=now,
            campaign__booking_closes_at__gt=now,
            campaign__grade_min__lte=student.grade,
            campaign__grade_max__gte=student.grade,
        )
        .order_by("starts_at", "pk")
    )
