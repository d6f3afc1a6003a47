"""What the booking's transaction tests on PostgreSQL look at from outside the booking: whether the connection is left
in a transaction, and what another session sees and may lock."""

import psycopg2.extensions
from django.db import connection, connections


def idle() -> bool:
    """The connection is open and outside any transaction on the server."""
    status = connection.connection.get_transaction_status()
    return status == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def from_another_connection(sql: str, params) -> list:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        other.close()


def student_is_free(student_id: int) -> bool:
    """Another session can lock the student at once: no transaction of ours still holds them."""
    try:
        from_another_connection(
            "SELECT 1 FROM participants_student WHERE id = %s FOR UPDATE NOWAIT", [student_id]
        )
        return True
    except Exception:  # noqa: BLE001 - lock_not_available is the answer we test for
        return False


def committed_bookings(student_id: int) -> int:
    """Active bookings of the student that another session sees: committed ones only."""
    return from_another_connection(
        "SELECT count(*) FROM venues_booking WHERE student_id = %s AND status <> 'cancelled'", [student_id]
    )[0][0]


def one_seat_online_event(school_world):
    return school_world.event(capacity=1, mode="online", address="", online_url="https://video.example/t")
