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
    create = str(building.create_sql(Booking, schema_editor))
    quote = schema_editor.quote_name
    statements = [
        f"DROP INDEX CONCURRENTLY IF EXISTS {quote(building.name)}",  # a build interrupted earlier leaves it invalid
        create.replace("CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX CONCURRENTLY", 1),
        f"DROP INDEX CONCURRENTLY {quote(NAME)}",
        f"ALTER INDEX {quote(building.name)} RENAME TO {quote(NAME)}",
    ]
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


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
