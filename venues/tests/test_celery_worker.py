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
