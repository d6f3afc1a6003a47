"""`bilet.db.prepared`: the busiest statements are prepared once per connection and planned once (PostgreSQL)."""

import pytest
from django.db import connection, transaction

from bilet.db import prepared
from bilet.roles import get_roles
from regions.tests.factories import UserFactory

SQL = "SELECT %(a)s::int + %(b)s::int, %(a)s::int"


def _prepared_here() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, generic_plans, custom_plans FROM pg_prepared_statements")
        return {name: (generic, custom) for name, generic, custom in cursor.fetchall()}


def test_other_databases_get_the_statement_itself(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert prepared("sum", SQL) == SQL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test here
def test_a_statement_is_prepared_once_per_connection_and_planned_once(require_postgres):
    first = prepared("sum", SQL)
    assert first.startswith("EXECUTE bilet_sum_") and first.endswith("(%(a)s, %(b)s)")
    with connection.cursor() as cursor:
        for a in range(5):
            cursor.execute(prepared("sum", SQL), {"a": a, "b": 10})
            assert cursor.fetchone() == (a + 10, a)
    name = first.split()[1]
    # One PREPARE (the name is known from then on), and every execution on the one generic plan.
    assert _prepared_here()[name] == (5, 0)

    # A rollback keeps it: PREPARE is not undone with the transaction it ran in.
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            prepared("other", "SELECT %(x)s::int")
            raise ZeroDivisionError
    assert any(n.startswith("bilet_other_") for n in _prepared_here())

    # A new connection knows none of them and prepares again.
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(prepared("sum", SQL), {"a": 1, "b": 2})
        assert cursor.fetchone() == (3, 1)
    assert list(_prepared_here()) == [name]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test here
def test_the_roles_of_every_request_run_on_one_plan(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
    users = [UserFactory() for _ in range(3)]

    def roles_plans():
        # The connection may have served earlier tests of this process: count what these three requests add.
        found = [counts for name, counts in _prepared_here().items() if name.startswith("bilet_roles_")]
        return found[0] if found else (0, 0)

    before = roles_plans()
    for user in users:
        assert not get_roles(user)
    after = roles_plans()
    assert (after[0] - before[0], after[1] - before[1]) == (3, 0)
