"""Under CI=true a test never skips for want of a service (issue 3): the skip becomes a failure."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    """Under CI=true nothing that needs a service may be skipped: turn such skips into failures."""
    if os.environ.get("CI") != "true":
        return
    for item in items:
        for marker in item.iter_markers(name="skip"):
            raise pytest.UsageError(f"{item.nodeid} is skipped under CI=true: {marker.kwargs.get('reason')}")


def is_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.fixture
def require_postgres(settings):
    """For tests about PostgreSQL itself (row locks, lock_timeout, real concurrency).

    Skips on SQLite during local development; under CI=true a missing PostgreSQL is a failure, never a skip."""
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "needs PostgreSQL: run with DATABASE_URL=postgres://…"
        if is_ci():
            pytest.fail(message)
        pytest.skip(message)


def service_missing(message: str):
    """Skip locally; under CI=true a missing service is a failure (issue 3: nothing skipped in CI)."""
    if is_ci():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def short_lock_timeout(require_postgres):
    """This thread's connection waits 200 ms for a lock instead of `settings.LOCK_TIMEOUT`, so a test of a lock held
    too long does not wait the production timeout (a new connection of the test's would wait that again)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")
