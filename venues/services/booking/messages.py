"""What a refused booking or cancellation says: one sentence per rule, in the reader's voice.

A student acting for themself reads "you"; a guardian or a navigator reads the child's name. The rule codes (`rule`)
are stable: programs and tests tell refusals apart by them, people by the sentence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from bilet.db import Busy


class BookingError(Exception):
    """A refusal: `.message` is the Russian sentence naming the rule, `.rule` a short code for programs and tests."""

    def __init__(self, message: str, rule: str):
        super().__init__(message)
        self.message = message
        self.rule = rule

    def __str__(self):
        return self.message


class BookingBusy(BookingError, Busy):
    """The booking's rows were locked too long (or a deadlock was broken): the booking pages show it as a refusal."""

    def __init__(self, message: str | None = None, rule: str = "busy"):
        super().__init__(message or str(_("Many people are booking right now — please try again.")), rule)


@dataclass(frozen=True)
class Voice:
    """Who the sentence speaks to: "you" when the student acts for themself, the child's name otherwise."""

    is_self: bool
    name: str


# rule → (the sentence for the student themself, the sentence naming the child); one sentence: the same for both.
_SENTENCES = {
    "not_allowed": _("You may book only yourself, your own child or a student of your school."),
    "anonymised": _("The student's personal data was erased after the consent was withdrawn; booking is not possible."),
    "event_cancelled": _("This event has been cancelled; booking is not possible."),
    "not_published": _("This event is not published; booking is not open."),
    "started": _("This event has already started; booking is closed."),
    "window_not_open": _("Booking in campaign %(year)s opens on %(date)s."),
    "window_closed": _("Booking in campaign %(year)s closed on %(date)s."),
    "grade_campaign": (
        _("Campaign %(year)s is for grades %(min)s–%(max)s, and you are in grade %(grade)s."),
        _("%(name)s: campaign %(year)s is for grades %(min)s–%(max)s, and the student is in grade %(grade)s."),
    ),
    "grade_event": (
        _("This event is for grades %(min)s–%(max)s, and you are in grade %(grade)s."),
        _("%(name)s: this event is for grades %(min)s–%(max)s, and the student is in grade %(grade)s."),
    ),
    "consent": (
        _("Booking needs a consent to the processing of your personal data in force; there is none or it was withdrawn."),
        _("%(name)s: booking needs a consent to the processing of personal data in force; there is none or it was withdrawn."),
    ),
    "already_waitlisted": (
        _("You are already on the waiting list for this event."),
        _("%(name)s is already on the waiting list for this event."),
    ),
    "already_booked": (
        _("You are already booked on this event."),
        _("%(name)s: already booked on this event."),
    ),
    # The plural form follows "count" in the parameters: «1 мероприятие», «4 мероприятия».
    "limit_total": (
        ngettext_lazy(
            "You are already booked on %(count)s event — the maximum for campaign %(year)s.",
            "You are already booked on %(count)s events — the maximum for campaign %(year)s.",
            "count",
        ),
        ngettext_lazy(
            "%(name)s: already booked on %(count)s event — the maximum for campaign %(year)s.",
            "%(name)s: already booked on %(count)s events — the maximum for campaign %(year)s.",
            "count",
        ),
    ),
    "limit_offline": (
        ngettext_lazy(
            "You are already booked on %(count)s in-person event — the maximum for campaign %(year)s.",
            "You are already booked on %(count)s in-person events — the maximum for campaign %(year)s.",
            "count",
        ),
        ngettext_lazy(
            "%(name)s: already booked on %(count)s in-person event — the maximum for campaign %(year)s.",
            "%(name)s: already booked on %(count)s in-person events — the maximum for campaign %(year)s.",
            "count",
        ),
    ),
    "overlap": (
        _("At that time you are already booked on «%(other)s» (%(when)s): the events overlap."),
        _("%(name)s: at that time already booked on «%(other)s» (%(when)s): the events overlap."),
    ),
    "not_allowed_cancel": _(
        "You may cancel only your own booking, your child's or a booking of a student of your school."
    ),
    "not_active": _("This booking is no longer active; there is nothing to cancel."),
}
# The code a refusal reports, where the table needs a key of its own for the sentence.
_RULE_OF = {"not_allowed_cancel": "not_allowed"}


def refusal(key: str, voice: Voice | None = None, **params) -> BookingError:
    """The BookingError of rule `key`, worded for `voice` (needed only by the sentences that name the student)."""
    sentence = _SENTENCES[key]
    if isinstance(sentence, tuple):
        sentence = sentence[0] if voice.is_self else sentence[1]
        params["name"] = voice.name
    return BookingError(sentence % params if params else str(sentence), _RULE_OF.get(key, key))


def cancel_deadline_refusal(*, hours: int, deadline: dt.datetime) -> BookingError:
    message = ngettext(
        "A booking can be cancelled until %(hours)s hour before the start; that time passed on %(deadline)s.",
        "A booking can be cancelled until %(hours)s hours before the start; that time passed on %(deadline)s.",
        hours,
    )
    return BookingError(message % {"hours": hours, "deadline": when(deadline)}, "cancel_deadline")


def when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j E Y, H:i")
