"""How generated rows reach the database: COPY streamed from generators (PostgreSQL) or bulk_create in batches
(SQLite), the big tables' indexes rebuilt after the COPY, ids reserved up front, statistics refreshed at the end."""

from __future__ import annotations

import io
from contextlib import contextmanager
from itertools import islice

from django.db import connection, models

from bilet.models import User
from participants.models import Consent, DiagnosticResult, Guardian, Guardianship, Navigator, Student
from regions.models import Municipality, Region, School
from venues.models import Booking, Event, Mentor, Venue

from .progress import Progress

BATCH = 5000


class CopyChunks(io.TextIOBase):
    """A file whose read() returns CSV lines made from a row iterator, batch by batch, for COPY FROM STDIN.

    Each row becomes a line through one %-template (text columns quoted, NULL spelt None): ten times faster than
    the csv module, which was the bottleneck. The generated texts never contain a double quote.
    """

    def __init__(self, rows, template: str, progress: Progress):
        self.rows = iter(rows)
        self.template = template
        self.progress = progress

    def readable(self):
        return True

    def read(self, size=-1):
        template = self.template
        batch = [template % row for row in islice(self.rows, BATCH)]
        self.progress.add(len(batch))
        return "".join(batch)


class Writer:
    """Writes rows of (column values in `columns` order) into a model's table."""

    def __init__(self, progress: Progress, *, rebuild_indexes: bool = True):
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"
        self.rebuild_indexes = rebuild_indexes and self.postgres

    def write(self, model, columns: list[str], rows, label: str | None = None, big: bool = False):
        self.progress.start(label or model._meta.verbose_name_plural)
        if self.postgres:
            if big and self.rebuild_indexes:
                with _secondary_indexes_rebuilt(model._meta.db_table):
                    self._copy(model, columns, rows)
            else:
                self._copy(model, columns, rows)
        else:
            self._bulk_create(model, columns, rows)
        self.progress.show()

    def _copy(self, model, columns, rows):
        fields = {f.column: f for f in model._meta.concrete_fields}
        text = (models.CharField, models.TextField)
        template = ",".join('"%s"' if isinstance(fields[c], text) else "%s" for c in columns) + "\n"
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL 'None')"
        chunks = CopyChunks(rows, template, self.progress)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, chunks, size=1 << 16)
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    while data := chunks.read():
                        copy.write(data)

    def _bulk_create(self, model, columns, rows):
        rows = iter(rows)
        attnames = {f.column: f.attname for f in model._meta.concrete_fields}
        names = [attnames[c] for c in columns]
        while batch := list(islice(rows, BATCH)):
            model.objects.bulk_create([model(**dict(zip(names, row))) for row in batch], batch_size=BATCH)
            self.progress.add(len(batch))


@contextmanager
def _secondary_indexes_rebuilt(table: str):
    """Drop a table's indexes (all but the primary key) and build them again after the block.

    Maintaining seven indexes row by row made COPY of the bookings 10 times slower than COPY into a bare table
    followed by building each index in one sorted pass (what pg_restore does). The drop holds the table's lock until
    the transaction ends: run this on a benchmark database, not beside users.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ic.relname, pg_get_indexdef(ix.indexrelid), con.conname, pg_get_constraintdef(con.oid)
            FROM pg_index ix
            JOIN pg_class ic ON ic.oid = ix.indexrelid
            LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid
            WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary
            """,
            [table],
        )
        indexes = cursor.fetchall()
        for index, _definition, constraint, _constraint_definition in indexes:
            if constraint:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            else:
                cursor.execute(f'DROP INDEX "{index}"')
    yield
    with connection.cursor() as cursor:
        for _index, definition, constraint, constraint_definition in indexes:
            if constraint:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_definition}')
            else:
                cursor.execute(definition)


def reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive ids nobody else will be given."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cursor.fetchone()[0] + 1
        if connection.vendor == "postgresql" and count:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = max(first, cursor.fetchone()[0])
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def vacuum_analyze():
    """Statistics for the planner and (outside a transaction) the visibility map, which lets the lists' counts run as
    index-only scans, and the space of deleted load data back: what autovacuum would do some minutes later."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = [model._meta.db_table for model in (User, Region, Municipality, School, Navigator, Student, Guardian,
                                                 Guardianship, Consent, DiagnosticResult, Venue, Mentor, Event,
                                                 Booking)]
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {', '.join(tables)}")
