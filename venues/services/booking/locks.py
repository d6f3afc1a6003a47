"""The row locks of booking, always in one order so that no two transactions wait for each other in a circle:
students first, several at once only in key order, then at most one event.

A student's lock serialises everything about that student (double submits, two in-person or two overlapping events
booked at once, a cancellation racing a promotion): their bookings change only under it. The event's lock serialises
its seats and its queue. It is FOR NO KEY UPDATE, the lock an UPDATE of the row takes: it does not block the key-share
lock that inserting a booking takes on its event, so bookings of a popular event queue only for the seat itself.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import BooleanField

from bilet.db import fetch_prepared, model_columns, with_related
from participants.models import Consent, Student

from ...models import Event
from .facts import with_consent

# What booking reads of the student it locks: the rules, the refusal's sentence, who is acting, the answer's message.
BOOKING_STUDENT_FIELDS = ("id", "user_id", "school_id", "grade", "anonymised_at", "last_name", "first_name",
                          "middle_name")
_HAS_CONSENT = BooleanField()


def lock_student(*, pk: int | None = None, user_id: int | None = None) -> Student | None:
    """Lock the student with this key (or this user's student) and read them (`BOOKING_STUDENT_FIELDS`, any other
    field on access), with `has_consent`; None if none.

    A hand-written statement, prepared once per connection on PostgreSQL: every booking runs it, and the ORM took
    longer to build it than PostgreSQL to answer it (benchmarks/RESULTS.md, run 47)."""
    by = "user" if pk is None else "pk"
    sql, outputs = _lock_student_text(by, connection.features.has_select_for_update_of)
    rows = fetch_prepared(f"lock_student_by_{by}", sql, {"key": user_id if pk is None else pk}, outputs)
    if not rows:
        return None
    *values, has_consent = rows[0]
    student = Student.from_db(connection.alias, [f.attname for f in outputs[:-1]], values)
    student.has_consent = has_consent
    return student


@functools.cache
def _lock_student_text(by: str, for_update_of: bool) -> tuple[str, tuple]:
    """The statement of `lock_student` and the fields of its columns; `FOR UPDATE` where the database has it (SQLite
    serialises writers by itself)."""
    qn = connection.ops.quote_name
    student, consent = Student._meta, Consent._meta
    columns, fields = model_columns(Student, "s", BOOKING_STUDENT_FIELDS)
    key = student.pk if by == "pk" else student.get_field("user")
    sql = (
        f"SELECT {', '.join(columns)}, EXISTS ("
        f"SELECT 1 FROM {qn(consent.db_table)} c WHERE c.{qn(consent.get_field('student').column)} = "
        f"s.{qn(student.pk.column)} AND c.{qn(consent.get_field('withdrawn_at').column)} IS NULL) "
        f"FROM {qn(student.db_table)} s WHERE s.{qn(key.column)} = %(key)s"
        + (" FOR UPDATE OF s" if for_update_of else "")
    )
    return sql, (*fields, _HAS_CONSENT)


def lock_students(student_ids) -> dict[int, Student]:
    """Lock students in key order and read them, with `has_consent`."""
    students = with_consent(Student.objects.select_for_update(of=("self",))).filter(pk__in=set(student_ids))
    return {s.pk: s for s in students.order_by("pk")}


def lock_event(event_id: int, *related: str) -> Event:
    """Lock the event and read it, with the `related` rows (`with_related`: every foreign key joined took PostgreSQL
    4 ms to plan on each booking of a full event)."""
    return with_related(Event.objects.select_for_update(of=("self",), no_key=True), related).get(pk=event_id)
