"""Mentors' individual recommendations after a practicum (issue 4 §6, seed 000 §5.4, seed 002 item 3).

A recommendation is due `campaign.recommendation_days` after the event ends. Writing later is allowed — a late
recommendation is still worth more to the child than none — but the pages and the coordinator's list flag it.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bilet.roles import get_roles
from regions.models import Competency

from ..models import Booking, Event, Recommendation

TEXT_MIN_LENGTH = 20
TEXT_MAX_LENGTH = 5000


class RecommendationError(Exception):
    """A refusal to write a recommendation; the message is a Russian sentence for the user."""


def recommendation_due_at(event: Event) -> dt.datetime:
    return event.ends_at + dt.timedelta(days=event.campaign.recommendation_days)


@transaction.atomic
def recommendation_write(*, actor, booking: Booking, competency: Competency, text: str) -> Recommendation:
    """Write (or, for its author, rewrite) the recommendation for an attended booking."""
    mentor_id = get_roles(actor).mentor_id
    if mentor_id is None or not booking.event.mentors.filter(pk=mentor_id).exists():
        raise RecommendationError(_("Only a mentor of the event can write recommendations for its students."))
    # The booking row lock orders this write after a register being re-marked at the same moment.
    booking = Booking.objects.select_for_update().select_related("event__campaign", "student").get(pk=booking.pk)
    if booking.status != Booking.Status.ATTENDED:
        raise RecommendationError(
            _("A recommendation is written only for a student the venue marked as attended.")
        )
    text = (text or "").strip()
    if len(text) < TEXT_MIN_LENGTH:
        raise RecommendationError(
            _("Write the recommendation in at least %(count)d characters.") % {"count": TEXT_MIN_LENGTH}
        )
    if len(text) > TEXT_MAX_LENGTH:
        raise RecommendationError(
            _("The recommendation is longer than %(count)d characters.") % {"count": TEXT_MAX_LENGTH}
        )

    existing = Recommendation.objects.filter(booking=booking).first()
    if existing is not None:
        if existing.mentor_id != mentor_id:
            raise RecommendationError(
                _("Another mentor of the event has already written a recommendation for %(student)s.")
                % {"student": booking.student.full_name}
            )
        existing.competency = competency
        existing.text = text
        existing.full_clean()
        existing.save(update_fields=["competency", "text", "updated_at"])
        return existing

    recommendation = Recommendation(booking=booking, mentor_id=mentor_id, competency=competency, text=text)
    recommendation.full_clean(validate_unique=False)
    try:
        # A savepoint, so that losing the one-per-booking race leaves the outer transaction usable.
        with transaction.atomic():
            recommendation.save()
    except IntegrityError:
        raise RecommendationError(
            _("Another mentor of the event has already written a recommendation for %(student)s.")
            % {"student": booking.student.full_name}
        ) from None
    return recommendation


def recommendation_is_late(recommendation: Recommendation) -> bool:
    return recommendation.created_at > recommendation_due_at(recommendation.booking.event)


def booking_recommendation_due_now(booking: Booking) -> bool:
    """Whether the recommendation for `booking` is overdue at this moment."""
    return timezone.now() > recommendation_due_at(booking.event)
