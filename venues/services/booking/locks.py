"""The row locks of booking, always in one order so that no two transactions wait for each other in a circle:
students first, several at once only in key order, then at most one event.

A student's lock serialises everything about that student (double submits, two in-person or two overlapping events
booked at once, a cancellation racing a promotion): their bookings change only under it. The event's lock serialises
its seats and its queue. It is FOR NO KEY UPDATE, the lock an UPDATE of the row takes: it does not block the key-share
lock that inserting a booking takes on its event, so bookings of a popular event queue only for the seat itself.
"""

from __future__ import annotations

from participants.models import Student

from ...models import Event
from .facts import with_consent


# What booking reads of the student it locks (the rules, the refusal's sentence, who is acting, the answer's message):
# the ORM builds a query's select list column by column on every request, so a booking reads only these.
BOOKING_STUDENT_FIELDS = ("user_id", "school_id", "grade", "anonymised_at", "last_name", "first_name", "middle_name")


def lock_student(**lookup) -> Student | None:
    """Lock the student matching `lookup` (`pk=…` or `user=…`) and read them (`BOOKING_STUDENT_FIELDS`, any other
    field on access), with `has_consent`; None if none."""
    students = with_consent(Student.objects.select_for_update(of=("self",)).only(*BOOKING_STUDENT_FIELDS))
    return next(iter(students.filter(**lookup)[:1]), None)


def lock_students(student_ids) -> dict[int, Student]:
    """Lock students in key order and read them, with `has_consent`."""
    students = with_consent(Student.objects.select_for_update(of=("self",))).filter(pk__in=set(student_ids))
    return {s.pk: s for s in students.order_by("pk")}


def lock_event(event_id: int, *related: str) -> Event:
    return Event.objects.select_for_update(of=("self",), no_key=True).select_related(*related).get(pk=event_id)
