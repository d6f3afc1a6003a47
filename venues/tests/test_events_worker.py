"""Issue 4 "Done means": the notifications of a cancelled or moved event go through Redis and a real Celery worker,
each booked student and guardian told once."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from venues.models import Booking
from venues.services.events import event_cancel, event_update
from venues.tests.factories import BookingFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]


def _recipients(messages) -> list[str]:
    return sorted(address for message in messages for address in message["To"].split(", "))


def test_cancellation_reaches_each_person_once_through_the_worker(celery_worker, world):
    BookingFactory(event=world.a.event, student=world.a.sibling, status=Booking.Status.WAITLISTED)
    event_cancel(actor=world.a.coordinator.user, event=world.a.event, reason="Площадка закрыта на карантин")
    messages = celery_worker.read_mail(count=2)
    assert _recipients(messages) == ["guardian71@test.example", "student71@test.example"]
    assert all("Площадка закрыта на карантин" in m.get_content() for m in messages)
    time.sleep(2)  # a duplicate would have been written by now: the worker sends one task at a time
    assert len(celery_worker.read_mail(count=2)) == 2


def test_new_time_reaches_the_family_through_the_worker(celery_worker, world):
    start = (timezone.localtime() + dt.timedelta(days=11)).replace(hour=15, minute=0, second=0, microsecond=0)
    event_update(actor=world.a.venue_staff.user, event=world.a.event, starts_at=start,
                 ends_at=start + dt.timedelta(hours=2))
    messages = celery_worker.read_mail(count=2)
    assert _recipients(messages) == ["guardian71@test.example", "student71@test.example"]
    assert all("Новое время" in m.get_content() for m in messages)
