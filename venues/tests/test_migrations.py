"""Migration 0003 swaps the unique index of active bookings without a moment of no uniqueness, and finishes the job
when run again after an interruption (PostgreSQL: CREATE INDEX CONCURRENTLY runs outside a transaction)."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection

from venues.models import Booking
from venues.tests.factories import BookingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

migration = importlib.import_module("venues.migrations.0003_booking_unique_student_first")


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND c.relname LIKE %s",
            [Booking._meta.db_table, migration.NAME + "%"],
        )
        return dict(cursor.fetchall())


def _run(forward: bool) -> None:
    with connection.schema_editor(atomic=False) as editor:
        (migration.student_first if forward else migration.event_first)(apps, editor)


def test_the_swap_both_ways_and_after_an_interruption(require_postgres):
    booking = BookingFactory(status=Booking.Status.CONFIRMED)
    try:
        _run(forward=False)
        assert list(_indexes()) == [migration.NAME]
        assert "(event_id, student_id)" in _indexes()[migration.NAME]
        _run(forward=True)
        assert list(_indexes()) == [migration.NAME]
        assert "(student_id, event_id)" in _indexes()[migration.NAME]

        # Interrupted after the new index was built and the old one dropped: the run again only renames.
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER INDEX {migration.NAME} RENAME TO {migration.NAME}_new")
        _run(forward=True)
        assert list(_indexes()) == [migration.NAME]

        # Interrupted during the build (an INVALID index left behind): rebuilt, the old one replaced.
        _run(forward=False)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNIQUE INDEX {migration.NAME}_new ON {Booking._meta.db_table} (student_id, event_id)"
            )
            cursor.execute(
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [f"{migration.NAME}_new"]
            )
        assert _indexes()[f"{migration.NAME}_new"].endswith("INVALID")
        _run(forward=True)
        assert list(_indexes()) == [migration.NAME]
        assert "(student_id, event_id)" in _indexes()[migration.NAME] and "WHERE" in _indexes()[migration.NAME]
    finally:
        if "(student_id, event_id)" not in _indexes().get(migration.NAME, ""):
            _run(forward=True)
    # Still one active booking per student and event.
    with pytest.raises(IntegrityError):
        Booking.objects.create(event=booking.event, student=booking.student, status=Booking.Status.WAITLISTED)
