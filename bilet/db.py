"""Database helpers shared by every app: when a write is "busy", and statements prepared once per connection.

Busy. A write that locks rows may meet another transaction holding them. It waits `settings.LOCK_TIMEOUT` at most
(PostgreSQL: the connection's `lock_timeout`, set when it is opened, so no transaction spends a round trip on it), and
PostgreSQL itself ends one side of a deadlock or of a serialization conflict. In each
case nothing was written and the same request a moment later will most likely succeed, so the user is asked to try
again (`Busy`: 503 with `Retry-After`, see `bilet.middleware`) and a task retries, instead of a 500 or a lost job.
`locked_write` is the one way a service opens such a transaction.

Prepared statements. `prepared()` sends `PREPARE` the first time a connection needs one of the busiest hand-written
statements (a user's roles, the event page's read) and answers `EXECUTE name (…)` from then on: PostgreSQL plans such a
statement once per connection instead of once per request. The connection is opened with `plan_cache_mode =
force_generic_plan` (settings.py), so an executed statement reuses its one plan; the plans are index lookups by key,
as good for one value as for another. Django's own queries are not prepared. A prepared statement lives as long as the
server session, so the names are remembered with the driver's connection they were prepared on; a transaction-pooling
PgBouncer in front of PostgreSQL would break this (its server sessions are not the client's), session pooling is fine.
"""

import functools
import re
import sqlite3
import zlib
from collections.abc import Sequence
from contextlib import contextmanager

from django.db import DatabaseError, connections, transaction
from django.db.models import Field
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _

# lock_not_available (lock_timeout), deadlock_detected, serialization_failure.
BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


class Busy(Exception):
    """The database could not give a write its rows in time; nothing was written and trying again is safe."""

    message = _("The server is busy, please try again.")

    def __str__(self):
        return str(self.message)


def is_busy_error(exc: BaseException) -> bool:
    """A lock timeout, a deadlock or a serialization failure (PostgreSQL), or SQLite's "database is locked"."""
    for error in (exc, exc.__cause__):
        if error is None:
            continue
        if (getattr(error, "pgcode", None) or getattr(error, "sqlstate", None)) in BUSY_SQLSTATES:
            return True
        if isinstance(error, sqlite3.OperationalError) and "database is locked" in str(error):
            return True
    return False


@contextmanager
def busy_as(error: type[Exception] = Busy):
    """Raise `error()` instead of a busy database error (`is_busy_error`); let every other error through."""
    try:
        yield
    except DatabaseError as exc:
        if is_busy_error(exc):
            raise error() from exc
        raise


def locked_write(func=None, *, busy: type[Exception] = Busy):
    """Decorate a service that locks rows: it runs in `transaction.atomic()`, and a busy database error leaves it as
    `busy` once the transaction (or the savepoint, inside a caller's) is rolled back."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            with busy_as(busy), transaction.atomic():
                return service(*args, **kwargs)

        return wrapper

    return decorate if func is None else decorate(func)


# --- prepared statements --------------------------------------------------------------------------------------------

_PARAM = re.compile(r"%\((\w+)\)s")


def prepared(name: str, sql: str, *, using: str = "default") -> str:
    """`sql` (with `%(name)s` parameters) as `EXECUTE` of a statement prepared on this connection, to be executed with
    the same parameters; `sql` itself on a database other than PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return sql
    name, body, execute = _statement(name, sql)
    connection.ensure_connection()
    raw = connection.connection
    holder = getattr(connection, "_bilet_prepared", None)
    if holder is None or holder[0] is not raw:
        holder = connection._bilet_prepared = (raw, set())
    if name not in holder[1]:
        # Connection state, like the time zone Django sets on connecting: through the driver's own cursor, so it is
        # not one of the request's queries (pinned query counts stay the same on a new connection).
        with connection.wrap_database_errors, raw.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {body}")
        holder[1].add(name)
    return execute


@functools.lru_cache(maxsize=64)
def _statement(name: str, sql: str) -> tuple[str, str, str]:
    """The statement's name on the server (a changed statement gets a name of its own), its body with `$n`
    parameters, and the `EXECUTE` that runs it."""
    names = list(dict.fromkeys(_PARAM.findall(sql)))
    name = f"bilet_{name}_{zlib.crc32(sql.encode()):08x}"
    body = _PARAM.sub(lambda m: f"${names.index(m.group(1)) + 1}", sql)
    return name, body, f"EXECUTE {name} ({', '.join(f'%({n})s' for n in names)})"


def model_columns(model, alias: str, attnames=None) -> tuple[list[str], tuple[Field, ...]]:
    """The columns of `model` (those of `attnames`, or all) for a hand-written SELECT, as `alias."column"`, and their
    fields, in the model's own order: the order `Model.from_db` takes the values in."""
    qn = connections["default"].ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if attnames is None or f.attname in attnames)
    return [f"{alias}.{qn(f.column)}" for f in fields], fields


def with_related(queryset, fields):
    """`queryset.select_related(*fields)`, and the queryset unchanged for no fields: `select_related()` without names
    joins every non-null foreign key, which is never what a caller with an empty list means."""
    return queryset.select_related(*fields) if fields else queryset


def fetch_prepared(name: str, sql: str, params: dict, outputs: Sequence[Field], *, using: str = "default") -> list:
    """The rows of the hand-written read `sql` (prepared on PostgreSQL, `prepared`), each value converted as the ORM
    converts a value of the field in `outputs` at its position: aware datetimes and booleans on every database, so
    the one statement serves PostgreSQL and SQLite alike."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(prepared(name, sql, using=using), params)
        rows = cursor.fetchall()
    converters = _converters(tuple(outputs), using, connection.vendor)
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for position, functions, expression in converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
        converted.append(row)
    return converted


def execute_prepared(name: str, sql: str, params: dict, *, fields: dict[str, Field] | None = None,
                     using: str = "default") -> int:
    """Run the hand-written write `sql` (prepared on PostgreSQL, `prepared`) and answer how many rows it changed. A
    parameter named in `fields` is sent as the ORM sends a value of that field (a datetime is text on SQLite)."""
    connection = connections[using]
    for key, field in (fields or {}).items():
        params = {**params, key: field.get_db_prep_value(params[key], connection)}
    with connection.cursor() as cursor:
        cursor.execute(prepared(name, sql, using=using), params)
        return cursor.rowcount


@functools.lru_cache(maxsize=32)
def _converters(outputs: tuple[Field, ...], using: str, vendor: str) -> list:
    """The ORM's converters of each column (the backend's, then the field's own), as `SQLCompiler.get_converters`."""
    connection = connections[using]
    result = []
    for position, field in enumerate(outputs):
        model = getattr(field, "model", None)
        expression = Col(model._meta.db_table if model else None, field)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions:
            result.append((position, functions, expression))
    return result
