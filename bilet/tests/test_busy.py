"""One meaning of "busy" for every write (issue 12 §10): a lock timeout, a deadlock or a serialization failure."""

import sqlite3

import pytest
from django.db import IntegrityError, OperationalError

from bilet.db import Busy, busy_as, is_busy_error


class _DriverError(Exception):
    """What psycopg2 raises (its `pgcode`) or psycopg 3 (its `sqlstate`), under Django's wrapper."""

    def __init__(self, pgcode=None, sqlstate=None):
        super().__init__("driver error")
        self.pgcode, self.sqlstate = pgcode, sqlstate


def database_error(cls=OperationalError, **codes):
    error = cls("from the database")
    error.__cause__ = _DriverError(**codes)
    return error


@pytest.mark.parametrize("code", ["55P03", "40P01", "40001"])
def test_lock_timeout_deadlock_and_serialization_failure_are_busy(code):
    assert is_busy_error(database_error(pgcode=code))
    assert is_busy_error(database_error(sqlstate=code))


def test_sqlite_database_is_locked_is_busy():
    error = OperationalError("database is locked")
    error.__cause__ = sqlite3.OperationalError("database is locked")
    assert is_busy_error(error)


@pytest.mark.parametrize("error", [
    database_error(pgcode="57014"),  # a statement timeout: the query itself is too slow, retrying will not help
    database_error(IntegrityError, pgcode="23505"),
    OperationalError("server closed the connection unexpectedly"),
])
def test_other_errors_are_not_busy(error):
    assert not is_busy_error(error)


def test_busy_as_raises_the_given_error_for_busy_ones_only():
    class Refused(Busy):
        pass

    with pytest.raises(Refused) as raised, busy_as(Refused):
        raise database_error(pgcode="40P01")
    assert isinstance(raised.value.__cause__, OperationalError)
    with pytest.raises(IntegrityError), busy_as(Refused):
        raise database_error(IntegrityError, pgcode="23505")
    assert str(Busy()) == "Сервер занят, попробуйте ещё раз."
