"""A write that finds the database busy answers 503 «Сервер занят, попробуйте ещё раз» with Retry-After, never 500
(issue 12 §10); the booking pages keep their own sentence. The real lock timeout on PostgreSQL:
`test_events_services.test_a_held_event_lock_answers_busy`."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from venues.models import Booking, Event
from venues.services import attendance as attendance_services
from venues.services.booking import locks as booking_locks
from venues.services.events import coordinator as event_coordinator


class _PostgresError(Exception):
    def __init__(self, pgcode):
        super().__init__(pgcode)
        self.pgcode = pgcode


def _raising(pgcode):
    def fail(*args, **kwargs):
        error = OperationalError({"40P01": "deadlock detected", "55P03": "canceling statement due to lock timeout",
                                  "40001": "could not serialize access"}[pgcode])
        raise error from _PostgresError(pgcode)

    return fail


def _assert_busy(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "3"
    assert "Сервер занят, попробуйте ещё раз" in response.content.decode()


@pytest.mark.parametrize("pgcode", ["40P01", "55P03", "40001"])
def test_a_busy_event_change_answers_503_and_changes_nothing(client, world, monkeypatch, pgcode):
    monkeypatch.setattr(event_coordinator, "locked_event", _raising(pgcode))
    client.force_login(world.a.coordinator.user)
    _assert_busy(client.post(reverse("venues:event_cancel", args=[world.a.event.pk]), {"reason": "Ремонт"}))
    world.a.event.refresh_from_db()
    assert world.a.event.status == Event.Status.PUBLISHED


def test_a_busy_approval_answers_503(client, world, monkeypatch):
    event = world.a.event
    Event.objects.filter(pk=event.pk).update(status=Event.Status.SUBMITTED)
    monkeypatch.setattr(event_coordinator, "_compare_and_set", _raising("40P01"))
    client.force_login(world.a.coordinator.user)
    _assert_busy(client.post(reverse("venues:event_approve", args=[event.pk])))


def test_a_busy_attendance_register_answers_503(client, world, monkeypatch):
    Event.objects.filter(pk=world.a.event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    monkeypatch.setattr(attendance_services, "attendance_can_mark", _raising("55P03"))
    client.force_login(world.a.venue_staff.user)
    url = reverse("venues:event_attendance", args=[world.a.event.pk])
    _assert_busy(client.post(url, {f"booking-{world.a.booking.pk}": "attended"}))
    world.a.booking.refresh_from_db()
    assert world.a.booking.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("pgcode", ["40P01", "55P03"])
def test_a_busy_booking_keeps_the_booking_pages_sentence(client, world, monkeypatch, pgcode):
    monkeypatch.setattr(booking_locks, "fetch_prepared", _raising(pgcode))
    client.force_login(world.a.student.user)
    response = client.post(reverse("venues:event_book", args=[world.a.other_event.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Сейчас много желающих — попробуйте ещё раз."]
    assert not Booking.objects.filter(student=world.a.student, event=world.a.other_event).exists()


# serialized_rollback: the flush after this test must not recreate content types under the next serialized test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lock_wait_past_the_timeout_outside_a_locked_write_answers_503_too(client, world, short_lock_timeout):
    """Every connection bounds its lock waits (settings.LOCK_TIMEOUT), not only the services that name their busy
    error: answering an appeal whose row another transaction holds waits the timeout, then answers 503 with
    Retry-After, never a 500, and nothing is saved."""
    import threading

    from django.db import connection, transaction

    from regions.models import Appeal
    from regions.tests.factories import AppealFactory

    appeal = AppealFactory(region=world.a.region)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        with transaction.atomic():
            Appeal.objects.select_for_update().get(pk=appeal.pk)
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    client.force_login(world.a.coordinator.user)
    try:
        assert locked.wait(10)
        response = client.post(reverse("regions:appeal_answer", args=[appeal.pk]), {"answer": "Ответ дан по телефону."})
    finally:
        release.set()
        holder.join()
    _assert_busy(response)
    appeal.refresh_from_db()
    assert appeal.answer == "" and appeal.answered_at is None
