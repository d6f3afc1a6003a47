"""Statements on the busiest paths (every signed-in request, every booking), prepared once per database connection.

PostgreSQL plans a statement every time it receives one, and for the hand-written statements of the booking path
planning cost more than running them (pg_stat_statements under load: the student's facts 0.8 ms of planning to 0.13 ms
of execution, a user's roles 0.6 ms to 0.1 ms). `prepared()` sends `PREPARE` the first time a connection needs a
statement and answers `EXECUTE name (…)` from then on. The connection is opened with `plan_cache_mode =
force_generic_plan` (settings.py), so an executed statement reuses its one plan instead of PostgreSQL re-planning it
for each set of values; the plans are index lookups by key, as good for one value as for another. This setting
touches nothing else: Django's own queries are not prepared.

A prepared statement lives as long as the server session, whatever its transactions do (a rollback keeps it), so the
names prepared are remembered with the driver's connection object they were prepared on: a new connection
(CONN_MAX_AGE expired, a reconnect, the test database) prepares them again. A transaction-pooling PgBouncer in front
of PostgreSQL would break this (its server sessions are not the client's); session pooling is fine.
"""

import functools
import re
import zlib

from django.db import connections

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
