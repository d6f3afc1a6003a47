"""A register taken while a mentor writes never leaves a recommendation on an absent student; two mentors writing
at once leave one recommendation. On PostgreSQL, each side in its own thread and connection."""

import datetime as dt
import threading
import time

import pytest
from django.db import connections
from django.utils import timezone

from venues.models import Booking, Recommendation
from venues.services.attendance import AttendanceError, attendance_mark
from venues.services.recommendations import RecommendationError, recommendation_write
from venues.tests.factories import MentorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = "Аккуратно работает с инструментом; стоит попробовать углублённый уровень."


def race(*jobs) -> list:
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except (AttendanceError, RecommendationError) as refusal:
            results[index] = refusal
        except Exception as unexpected:  # noqa: BLE001 - recorded, then the test fails on it
            results[index] = unexpected
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def held(world, require_postgres):
    event = world.a.event
    event.starts_at = timezone.now() - dt.timedelta(days=1, hours=2)
    event.ends_at = event.starts_at + dt.timedelta(hours=2)
    event.save(update_fields=["starts_at", "ends_at"])
    return world


def test_register_taken_while_a_mentor_writes_waits_and_refuses(held, monkeypatch):
    """The mentor's transaction has inserted the recommendation and holds the booking's lock, not yet committed, when
    the register marking that student absent arrives: it must wait, then see the recommendation and refuse."""
    a = held.a
    Booking.objects.filter(pk=a.booking.pk).update(status=Booking.Status.ATTENDED)
    written = threading.Event()

    def slow_notify(**kwargs):  # runs inside the mentor's transaction, after the INSERT
        written.set()
        time.sleep(0.5)

    monkeypatch.setattr("venues.services.recommendations.notify_students", slow_notify)

    def mark_absent():
        written.wait(timeout=10)
        return attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: False})

    mentor, register = race(
        lambda: recommendation_write(actor=a.mentor.user, booking=a.booking, competency=a.event.competency, text=TEXT),
        mark_absent,
    )
    assert isinstance(mentor, Recommendation), mentor
    assert isinstance(register, AttendanceError) and "уже есть рекомендация наставника" in str(register), register
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.ATTENDED


def test_mentor_writing_while_the_register_is_taken_waits_and_refuses(held, monkeypatch):
    """The other order: the register has marked the student absent and not yet committed; the mentor waits for the
    booking's lock, then finds the student absent."""
    a = held.a
    Booking.objects.filter(pk=a.booking.pk).update(status=Booking.Status.ATTENDED)
    marked = threading.Event()
    original_save = type(a.event).save

    def slow_save(self, *args, **kwargs):  # attendance_mark's last write, inside its transaction
        original_save(self, *args, **kwargs)
        if kwargs.get("update_fields") == ["attendance_marked_at"]:
            marked.set()
            time.sleep(0.5)

    monkeypatch.setattr(type(a.event), "save", slow_save)

    def write():
        marked.wait(timeout=10)
        return recommendation_write(actor=a.mentor.user, booking=a.booking, competency=a.event.competency, text=TEXT)

    register, mentor = race(
        lambda: attendance_mark(actor=a.venue_staff.user, event=a.event, marks={a.booking.pk: False}), write,
    )
    assert not isinstance(register, Exception), register
    assert isinstance(mentor, RecommendationError) and "отметила как присутствовавшего" in str(mentor), mentor
    assert not Recommendation.objects.exists()


def test_two_mentors_writing_at_once_leave_one_recommendation(held):
    a = held.a
    Booking.objects.filter(pk=a.booking.pk).update(status=Booking.Status.ATTENDED)
    colleague = MentorFactory(region=a.region)
    a.event.mentors.add(colleague)
    results = race(
        lambda: recommendation_write(actor=a.mentor.user, booking=a.booking, competency=a.event.competency, text=TEXT),
        lambda: recommendation_write(actor=colleague.user, booking=a.booking, competency=a.event.competency, text=TEXT),
    )
    assert Recommendation.objects.filter(booking=a.booking).count() == 1
    assert sorted(type(r).__name__ for r in results) == ["Recommendation", "RecommendationError"], results
