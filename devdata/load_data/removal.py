"""`delete_load_data`: every row of load data removed, and what other apps attached to it removed or unlinked."""

from __future__ import annotations

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from bilet.models import User
from participants.models import Consent, DiagnosticResult, Guardian, Guardianship, Navigator, Student
from regions.models import Coordinator, Municipality, Region, RegionTarget, School
from venues.models import Booking, Event, Mentor, Recommendation, Venue, VenueCampaign, VenueStaff

from .database import is_superuser, vacuum_analyze
from .progress import Progress
from .shape import LOAD_DOMAIN, REGION_PREFIX, LoadDataError

# The tables of load data, children first, each with the condition that picks its load rows.
# (Executed without parameters: "%" is LIKE's wildcard here, not a placeholder.)
_LOAD_USERS = f"SELECT id FROM bilet_user WHERE email LIKE '%@{LOAD_DOMAIN}'"
_LOAD_REGIONS = f"SELECT id FROM regions_region WHERE code LIKE '{REGION_PREFIX}%'"


def _delete_plan():
    region = f"region_id IN ({_LOAD_REGIONS})"
    students = f"student_id IN (SELECT id FROM participants_student WHERE {region})"
    events = f"event_id IN (SELECT id FROM venues_event WHERE {region})"
    mentors = f"mentor_id IN (SELECT id FROM venues_mentor WHERE {region})"
    venues = f"venue_id IN (SELECT id FROM venues_venue WHERE {region})"
    return [
        (Recommendation, f"booking_id IN (SELECT id FROM venues_booking WHERE {events} OR {students})"),
        (Booking, f"{events} OR {students}"),
        (Event.mentors.through, events), (Event.accessible_for.through, events), (Event, region),
        (Mentor.competencies.through, mentors), (Mentor.venues.through, mentors), (Mentor, region),
        (VenueStaff, venues), (VenueCampaign, venues), (Venue.accessible_for.through, venues), (Venue, region),
        (Consent, students), (Guardianship, students), (DiagnosticResult, students),
        (Guardian, f"user_id IN ({_LOAD_USERS})"), (Student, region), (Navigator, region), (Coordinator, region),
        (Region.curators.through, region), (RegionTarget, region), (School, region), (Municipality, region),
    ]


def delete_load_data(progress: Progress | None = None) -> int:
    """Remove every row of load data (and what other apps attached to it); returns the number of rows removed.

    On PostgreSQL (as a superuser) the per-row foreign key triggers are skipped, as for the load itself: the rows that
    point at load data are found here, from the models' relations, and removed or unlinked as their `on_delete` says.
    """
    removed = 0
    progress = progress or Progress()
    plan = _delete_plan() + [
        (Region, f"code LIKE '{REGION_PREFIX}%'"), (User, f"email LIKE '%@{LOAD_DOMAIN}'"),
    ]
    planned = {model._meta.db_table for model, _condition in plan}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and is_superuser():
            cursor.execute("SET LOCAL session_replication_role = replica")
        for model, condition in plan:
            table = model._meta.db_table
            progress.start(str(model._meta.verbose_name_plural))
            for relation in model._meta.get_fields(include_hidden=True):
                if not (relation.is_relation and relation.auto_created and not relation.concrete):
                    continue
                if relation.many_to_many or relation.related_model._meta.db_table in planned:
                    continue
                _detach(cursor, relation, f"SELECT id FROM {table} WHERE {condition}")
            cursor.execute(f"DELETE FROM {table} WHERE {condition}")
            removed += max(cursor.rowcount, 0)
            progress.add(max(cursor.rowcount, 0))
    vacuum_analyze()
    progress.finish()
    return removed


def _detach(cursor, relation, ids_sql: str):
    """Apply `relation`'s on_delete to the rows of another app that point at the rows `ids_sql` selects."""
    table, column = relation.related_model._meta.db_table, relation.field.column
    if relation.on_delete is models.PROTECT:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} IN ({ids_sql})")
        if cursor.fetchone()[0]:
            raise LoadDataError(
                _("Load data is referenced by “%(table)s”, which must be kept; nothing was removed.")
                % {"table": relation.related_model._meta.verbose_name_plural}
            )
    elif relation.on_delete is models.SET_NULL:
        cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({ids_sql})")
    else:
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({ids_sql})")
