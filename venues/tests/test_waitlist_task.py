"""The waiting list's promotion as a Celery task (issue 12 §11): started by name after a cancellation commits, retried
with back-off on database errors, and through a real worker: the first waiting student gets the seat and an email."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from bilet.db import Busy
from participants.tests.factories import GuardianFactory
from regions.tests.factories import UserFactory
from venues.models import Booking
from venues.services.booking import PROMOTE_TASK, booking_cancel, booking_create
from venues.tasks import bookings as booking_tasks
from venues.tasks.bookings import promote_waitlist
from venues.tests.factories import EventFactory


@pytest.fixture
def one_seat_and_a_queue(world):
    """An online event whose one seat a.other_student holds; a.sibling waits."""
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1,
                         starts_at=timezone.now() + dt.timedelta(days=9), title="Сварка будущего")
    holder = booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    assert booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling).status == "waitlisted"
    return event, holder


def test_the_task_is_known_by_its_name_and_retries_on_database_errors():
    assert promote_waitlist.name == PROMOTE_TASK == "venues.promote_waitlist"
    assert {Busy, OperationalError} <= set(promote_waitlist.autoretry_for)
    assert promote_waitlist.retry_backoff is True and promote_waitlist.retry_jitter is True
    assert promote_waitlist.max_retries == 10


def test_a_cancellation_sends_the_task_after_its_commit(world, one_seat_and_a_queue, django_capture_on_commit_callbacks,
                                                         monkeypatch):
    event, holder = one_seat_and_a_queue
    sent = []
    monkeypatch.setattr(promote_waitlist, "delay", lambda **kwargs: sent.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=world.a.other_student.user, booking=holder)
        assert sent == []
    assert sent == [{"event_id": event.pk}]


def test_a_failed_promotion_is_retried_until_the_seat_is_given(world, one_seat_and_a_queue, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    event, holder = one_seat_and_a_queue
    with monkeypatch.context() as held:
        held.setattr(promote_waitlist, "delay", lambda **kwargs: None)  # the worker's first try comes below
        booking_cancel(actor=world.a.other_student.user, booking=holder)
    calls = []
    real = booking_tasks.waitlist_promote

    def flaky(**kwargs):
        calls.append(kwargs["event"].pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(booking_tasks, "waitlist_promote", flaky)
    # In-process (apply), Celery runs the retry at once instead of after the back-off a worker would wait.
    with django_capture_on_commit_callbacks(execute=True):
        result = promote_waitlist.apply(kwargs={"event_id": event.pk}, throw=False)

    assert result.successful() and result.result == 1
    assert calls == [event.pk, event.pk]
    assert Booking.objects.get(event=event, student=world.a.sibling).status == "confirmed"
    assert sorted(m.to[0] for m in mail.outbox) == ["guardian71@test.example"]


@pytest.mark.celery_worker
def test_a_cancellation_promotes_the_first_waiting_student_through_the_worker(celery_worker, world):
    """CI: the cancellation commits; the promotion travels through Redis to a worker process, which gives the seat to
    the first waiting student, and the worker's emails tell them and their guardians, in Russian."""
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, online=True, capacity=1,
                         starts_at=timezone.now() + dt.timedelta(days=9), title="Сварка будущего")
    holder = booking_create(actor=world.a.other_student.user, event=event, student=world.a.other_student)
    booking_create(actor=world.a.guardian.user, event=event, student=world.a.sibling)
    booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    GuardianFactory(user=UserFactory(email="father71@test.example"), children=[world.a.sibling])

    booking_cancel(actor=world.a.other_student.user, booking=holder)

    messages = celery_worker.read_mail(count=2)
    assert sorted(m["To"] for m in messages) == ["father71@test.example", "guardian71@test.example"]
    for message in messages:
        assert message["Subject"] == "Для вас освободилось место: «Сварка будущего»"
        assert world.a.sibling.full_name in message.get_content()
    deadline = time.monotonic() + 10
    while Booking.objects.get(event=event, student=world.a.sibling).status != "confirmed":
        assert time.monotonic() < deadline, "the worker did not promote the first waiting student"
        time.sleep(0.1)
    assert Booking.objects.get(event=event, student=world.a.student).status == "waitlisted"
    event.refresh_from_db()
    assert event.seats_taken == 1
    assert "venues.promote_waitlist" in celery_worker.log.read_text()
