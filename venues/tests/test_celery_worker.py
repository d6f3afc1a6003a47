"""The portal's notifications through Redis and a real Celery worker process (issue 3 §10, issue 4 "Done means").

`celery_worker` (bilet/testing/celery_worker.py) starts `celery -A bilet worker` on the test database; these tests
send through the broker exactly as production does and read back the mail the worker wrote. Skipped locally without
Redis and PostgreSQL; under CI=true their absence is a failure."""

import pytest
from django.db import transaction

from venues.services.notifications import event_email_context, notify_students

pytestmark = pytest.mark.celery_worker


def test_notification_is_sent_by_the_worker_to_the_student_and_guardian_once(celery_worker, world):
    context = {**event_email_context(world.a.event), "reason": "Болезнь наставника"}
    with transaction.atomic():
        # The sibling shares the guardian: the guardian is told once.
        addresses = notify_students(
            student_ids=[world.a.student.pk, world.a.sibling.pk],
            subject="Мероприятие отменено",
            template_name="venues/email/event_cancelled.txt",
            context=context,
        )

    messages = celery_worker.read_mail(count=2)

    assert sorted(addresses) == sorted([world.a.student.user.email, world.a.guardian.user.email])
    assert sorted(message["To"] for message in messages) == sorted(addresses)
    for message in messages:
        assert message["Subject"] == "Мероприятие отменено"
        body = message.get_content()
        # Rendered by the worker in Russian from the template and the ids/strings that travelled through Redis.
        assert f"«{world.a.event.title}»" in body
        assert "Болезнь наставника" in body
        assert "Здравствуйте" in body
    log = celery_worker.log.read_text()
    assert log.count("venues.tasks.notifications.send_notification_email") >= 2
    assert "succeeded" in log


def test_rolled_back_change_sends_nothing_through_the_worker(celery_worker, world):
    context = {**event_email_context(world.b.event), "reason": "—"}
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_students(
            student_ids=[world.b.student.pk],
            subject="Не должно уйти",
            template_name="venues/email/event_cancelled.txt",
            context=context,
        )
        raise RuntimeError("the change is rolled back")
    with transaction.atomic():
        notify_students(
            student_ids=[world.b.other_student.pk],
            subject="Уходит после коммита",
            template_name="venues/email/event_cancelled.txt",
            context=context,
        )

    # One worker, one queue, in order: when the committed message has arrived, a rolled-back one would have too.
    messages = celery_worker.read_mail(count=2)

    assert [message["Subject"] for message in messages] == ["Уходит после коммита"] * 2
    assert sorted(message["To"] for message in messages) == sorted(
        [world.b.other_student.user.email, world.b.other_guardian.user.email]
    )


def test_a_confirmed_booking_is_told_by_the_worker_from_the_outbox(celery_worker, world):
    """A booking made as in production (a broker, no task sent by the request) carries the flag; the beat entry's task,
    run by the worker, writes the family's notifications, emails them and clears the flag."""
    import datetime as dt

    from django.utils import timezone

    from bilet.celery import send_task
    from bilet.models import Notification, NotificationKind
    from venues.models import Booking
    from venues.services.booking import booking_create
    from venues.services.notifications import TELL_TASK
    from venues.tests.factories import EventFactory

    event = EventFactory(venue=world.a.other_venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(days=12))
    booking = booking_create(actor=world.a.student.user, event=event, student=world.a.student)
    assert Booking.objects.get(pk=booking.pk).notify_pending

    send_task(TELL_TASK)
    messages = celery_worker.read_mail(count=2)

    assert sorted(m["To"] for m in messages) == sorted([world.a.student.user.email, world.a.guardian.user.email])
    assert not Booking.objects.get(pk=booking.pk).notify_pending
    told = Notification.objects.filter(kind=NotificationKind.BOOKING_CONFIRMED, text__contains=event.title)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([world.a.student.user_id, world.a.guardian.user_id])
