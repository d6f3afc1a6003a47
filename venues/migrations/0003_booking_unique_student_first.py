"""The unique index of active bookings leads with the student (the booking path's lookups; see the model).

On PostgreSQL the new index is built CONCURRENTLY under a temporary name before the old one is dropped, so bookings
go on during the deploy (a campaign holds up to 2,000,000 of them) and "one active booking per student and event"
is enforced at every moment; elsewhere (SQLite) the index is simply replaced.
"""

from django.db import migrations, models
from django.db.models import Q

NAME = "booking_one_active_per_student_event"
ACTIVE = Q(status__in=["confirmed", "waitlisted", "attended", "no_show"])
STUDENT_FIRST = models.UniqueConstraint(fields=["student", "event"], condition=ACTIVE, name=NAME)
EVENT_FIRST = models.UniqueConstraint(fields=["event", "student"], condition=ACTIVE, name=NAME)


def _replace(apps, schema_editor, old, new):
    Booking = apps.get_model("venues", "Booking")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_constraint(Booking, old)
        schema_editor.add_constraint(Booking, new)
        return
    building = models.UniqueConstraint(fields=new.fields, condition=new.condition, name=f"{NAME}_new")
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        # A run interrupted before may have left the new index behind: invalid (its build failed), so rebuilt; or
        # valid, and the old one perhaps dropped already, so only the rest is done. Uniqueness never lapses.
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            [building.name],
        )
        found = cursor.fetchone()
        if found is not None and not found[0]:
            cursor.execute(f"DROP INDEX CONCURRENTLY {quote(building.name)}")
        if found is None or not found[0]:
            create = str(building.create_sql(Booking, schema_editor))
            cursor.execute(create.replace("CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX CONCURRENTLY", 1))
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(NAME)}")
        cursor.execute(f"ALTER INDEX {quote(building.name)} RENAME TO {quote(NAME)}")


def student_first(apps, schema_editor):
    _replace(apps, schema_editor, EVENT_FIRST, STUDENT_FIRST)


def event_first(apps, schema_editor):
    _replace(apps, schema_editor, STUDENT_FIRST, EVENT_FIRST)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("venues", "0002_booking_fk_indexes_covered"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="booking", name=NAME),
                migrations.AddConstraint(model_name="booking", constraint=STUDENT_FIRST),
            ],
            database_operations=[migrations.RunPython(student_first, event_first)],
        ),
    ]
