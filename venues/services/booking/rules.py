"""The booking rules of SPEC §3 as one plain function: the first rule that forbids a place, or None.

Every path that books — a student for themself, a guardian for a child, a navigator for a class, the event page's
pre-check, the waiting list's promotion — asks `refusal()`, so a rule lives in one place and is worded once. It reads
no database: the event (with its campaign), the student, the facts (`facts.py`) and the time are given.

The booking window is a rule about when a request may be made: a place in the queue taken inside the window is still
promoted after it closes. A place on the waiting list does not count toward the limits; it counts from the moment it
is promoted, and promotion decides every rule again, so a waiting student who has meanwhile booked another in-person
event is skipped (and stays in the queue).
"""

from __future__ import annotations

import datetime as dt

from participants.models import Student

from ...models import Booking, Event
from .facts import StudentFacts
from .messages import BookingError, Voice, when
from .messages import refusal as refused


def refusal(
    *, event: Event, student: Student, facts: StudentFacts, voice: Voice, now: dt.datetime,
    may_act: bool = True, promotion: bool = False,
) -> BookingError | None:
    """Why `student` may not have a place on `event` now, or None (then a full event offers the waiting list).

    `may_act`: the actor may act for the student (`facts.may_act_for`). `promotion=True` is the waiting list's re-check:
    the actor and the booking window were checked when the place in the queue was taken, and the student's own entry
    in the queue is not a double booking."""
    campaign = event.campaign
    if not promotion and not may_act:
        return refused("not_allowed")
    if student.anonymised_at is not None:
        return refused("anonymised")
    if event.status == Event.Status.CANCELLED:
        return refused("event_cancelled")
    if event.status != Event.Status.PUBLISHED:
        return refused("not_published")
    if event.starts_at <= now:
        return refused("started")
    if not promotion and now < campaign.booking_opens_at:
        return refused("window_not_open", year=campaign.year, date=when(campaign.booking_opens_at))
    if not promotion and now >= campaign.booking_closes_at:
        return refused("window_closed", year=campaign.year, date=when(campaign.booking_closes_at))
    for rule, low, high, year in (
        ("grade_campaign", campaign.grade_min, campaign.grade_max, campaign.year),
        ("grade_event", event.grade_min, event.grade_max, None),
    ):
        if not low <= student.grade <= high:
            return refused(rule, voice, year=year, min=low, max=high, grade=student.grade)
    if campaign.consent_required and not facts.has_consent:
        return refused("consent", voice)
    if not promotion and facts.existing == Booking.Status.WAITLISTED:
        return refused("already_waitlisted", voice)
    if not promotion and facts.existing is not None:
        return refused("already_booked", voice)
    limits = [("limit_total", facts.used, campaign.max_events_per_student)]
    if event.mode == Event.Mode.OFFLINE:
        limits.append(("limit_offline", facts.offline_used, campaign.max_offline_per_student))
    for rule, used, limit in limits:
        if used >= limit:
            return refused(rule, voice, count=used, year=campaign.year)
    if facts.clash is not None:
        return refused("overlap", voice, other=facts.clash.title, when=when(facts.clash.starts_at))
    return None
