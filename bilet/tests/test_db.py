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


# --- fetch_prepared: one statement, the ORM's values on every database ------------------------------------------------


@pytest.mark.django_db
def test_fetched_values_are_what_the_orm_reads_on_every_database():
    """A hand-written read answers aware datetimes and booleans on SQLite too (its driver gives strings and 0/1), as
    the ORM's own reads of the same fields do."""
    from django.db.models import BooleanField

    from bilet.db import fetch_prepared
    from regions.models import Campaign
    from regions.tests.factories import CampaignFactory

    campaign = CampaignFactory()
    meta = Campaign._meta
    opens, required = meta.get_field("booking_opens_at"), meta.get_field("consent_required")
    sql = (
        f"SELECT {opens.column}, {required.column}, 1 = 1, NULL FROM {meta.db_table} WHERE {meta.pk.column} = %(pk)s"
    )
    (row,) = fetch_prepared("campaign_test", sql, {"pk": campaign.pk}, (opens, required, BooleanField(), opens))
    read = Campaign.objects.values_list("booking_opens_at", "consent_required").get(pk=campaign.pk)
    assert list(row) == [*read, True, None]
    assert row[0].tzinfo is not None and row[2] is True
    assert fetch_prepared("campaign_test", sql, {"pk": 0}, (opens, required, BooleanField(), opens)) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_connection_waits_the_lock_timeout_at_most(require_postgres, settings):
    """Set when the connection is opened: a locked write spends no round trip of its own on it."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == (settings.LOCK_TIMEOUT,)


def test_with_related_joins_only_what_it_is_given():
    from bilet.db import with_related
    from venues.models import Event

    assert with_related(Event.objects.all(), ()).query.select_related is False
    assert with_related(Event.objects.all(), ("campaign",)).query.select_related == {"campaign": {}}
