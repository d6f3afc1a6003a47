"""Mentors' individual recommendations after a practicum (issue 4 §6, seed 000 §5.4, seed 002 item 3).

A recommendation is due `campaign.recommendation_days` after the event ends. Writing later is allowed — a late
recommendation is still worth more to the child than none — but the pages and the coordinator's list flag it.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bilet.db import locked_write
from bilet.models import NotificationKind
from bilet.roles import get_roles
from regions.models import Competency

from ..models import Booking, Event, Recommendation
from .notifications import event_email_context, notify_students

TEXT_MIN_LENGTH = 20
TEXT_MAX_LENGTH = 5000


class RecommendationError(Exception):
    """A refusal to write a recommendation; the message is a Russian sentence for the user."""


def recommendation_due_at(event: Event) -> dt.datetime:
    return event.ends_at + dt.timedelta(days=event.campaign.recommendation_days)


def recommendation_overdue(event: Event, now: dt.datetime) -> bool:
    """An unwritten recommendation is overdue once its day has passed (`selectors.followup.recommendation_overdue_q`
    is the same rule in SQL)."""
    return recommendation_due_at(event) < now


@locked_write
def recommendation_write(*, actor, booking: Booking, competency: Competency, text: str) -> Recommendation:
    """Write (or, for its author, rewrite) the recommendation for an attended booking."""
    mentor_id = get_roles(actor).mentor_id
    if mentor_id is None or not booking.event.mentors.filter(pk=mentor_id).exists():
        raise RecommendationError(_("Only a mentor of the event can write recommendations for its students."))
    # The booking row lock orders this write after a register being re-marked at the same moment.
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("event__campaign", "event__venue", "student")
        .get(pk=booking.pk)
    )
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
    # The family is told once, when it is first written (a correction by its author sends nothing), after commit.
    event = booking.event
    notify_students(
        student_ids=[booking.student_id],
        kind=NotificationKind.RECOMMENDATION_WRITTEN,
        link=reverse("venues:recommendation_detail", args=[recommendation.pk]),
        subject=_("A mentor's recommendation after «%(title)s»") % {"title": event.title},
        template_name="venues/email/recommendation_written.txt",
        context={
            **event_email_context(event),
            "student": booking.student.full_name,
            "mentor": recommendation.mentor.full_name,
            "direction": competency.name,
        },
    )
    return recommendation

