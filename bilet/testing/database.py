"""The test database's primary keys start past 100,000."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every table's ids start at 100,001 in the test database.

    USE_THOUSAND_SEPARATOR renders `{{ student.pk }}` as «100 001» (a no-break space): in an `<option value>`, a
    form field's name, an id or a query string that breaks the page, but only once a table passes 999 rows, which a
    fresh test database never reaches and production does on its first day. Starting high makes every test see it
    (`|unlocalize` from `{% load l10n %}` is the fix in a template)."""
    from django.apps import apps
    from django.db import connection
    from django.db.models import AutoField, BigAutoField, SmallAutoField

    start = 100_001
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            pk = model._meta.pk
            if model._meta.proxy or not model._meta.managed or not isinstance(pk, (AutoField, BigAutoField, SmallAutoField)):
                continue
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute(f"ALTER SEQUENCE {sequence} RESTART WITH {start}")
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start - 1])
    yield
