"""Booking emails: who is told (each person once), only after the commit, retried while the mail server is away."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from bilet.models import User
from venues.services.notifications import event_email_context, notify_students, recipient_emails
from venues.tasks import notifications as notification_tasks
from venues.tasks.notifications import send_notification_email


def test_students_and_guardians_each_once(world):
    # The sibling has no account; the guardian of both is named once.
    assert recipient_emails(student_ids=[world.a.student.pk, world.a.sibling.pk]) == [
        "guardian71@test.example", "student71@test.example",
    ]


def test_anonymised_students_and_inactive_accounts_are_not_written_to(world):
    world.a.other_student.anonymised_at = timezone.now()
    world.a.other_student.save()
    User.objects.filter(pk=world.b.guardian.user.pk).update(is_active=False)
    assert recipient_emails(student_ids=[world.a.other_student.pk, world.b.student.pk]) == ["student67@test.example"]


def test_notify_students_sends_after_the_commit(world, django_capture_on_commit_callbacks):
    context = event_email_context(world.a.event) | {"students": [world.a.student.full_name]}
    with django_capture_on_commit_callbacks(execute=True):
        addresses = notify_students(
            student_ids=[world.a.student.pk], subject="Тема", template_name="venues/email/waitlist_promoted.txt",
            context=context,
        )
        assert mail.outbox == []
    assert addresses == ["guardian71@test.example", "student71@test.example"]
    assert sorted(m.to[0] for m in mail.outbox) == addresses
    body = mail.outbox[0].body
    assert body.startswith("Здравствуйте!")
    assert world.a.event.title in body and world.a.event.address in body
    assert "Мои записи" in body


def test_nothing_is_sent_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_students(student_ids=[world.a.student.pk], subject="Тема",
                            template_name="venues/email/waitlist_promoted.txt",
                            context=event_email_context(world.a.event) | {"students": []})
            raise RuntimeError
    assert mail.outbox == []


def test_the_task_retries_on_smtp_and_connection_errors():
    assert set(send_notification_email.autoretry_for) >= {OSError}
    assert any(issubclass(SMTPServerDisconnected, e) for e in send_notification_email.autoretry_for)
    assert send_notification_email.retry_backoff is True
    assert send_notification_email.max_retries == 8


def test_a_transient_smtp_failure_is_retried_until_sent(world, monkeypatch, settings):
    calls = []
    real_send = notification_tasks.send_mail

    def flaky(*args, **kwargs):
        calls.append(args[3][0])
        if len(calls) == 1:
            raise SMTPServerDisconnected("the server went away")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(notification_tasks, "send_mail", flaky)
    context = event_email_context(world.a.event) | {"students": ["Иванова Анна"]}
    # In-process (apply), Celery runs the retry at once instead of after the back-off a worker would wait.
    result = send_notification_email.apply(kwargs={
        "recipient": "guardian71@test.example", "subject": "Тема",
        "template_name": "venues/email/waitlist_promoted.txt", "context": context,
    }, throw=False)
    assert result.successful()
    assert calls == ["guardian71@test.example"] * 2
    assert [m.to for m in mail.outbox] == [["guardian71@test.example"]]


def test_email_context_is_plain_data(world):
    context = event_email_context(world.a.other_event)
    assert context["place"] == "https://video.example/room"
    assert context["mode"] == "онлайн"
    assert all(isinstance(value, (str, int)) for value in context.values())


# --- each message in the reader's voice (issue 12 §18) --------------------------------------------------------------


def _bodies(world, django_capture_on_commit_callbacks, *, student_ids, template_name, **extra) -> dict[str, str]:
    context = event_email_context(world.a.event) | extra
    with django_capture_on_commit_callbacks(execute=True):
        notify_students(student_ids=student_ids, subject="Тема", template_name=template_name, context=context)
    return {message.to[0]: message.body for message in mail.outbox}


def test_a_changed_event_tells_the_student_they_are_booked_and_the_guardian_which_child(
    world, django_capture_on_commit_callbacks
):
    bodies = _bodies(world, django_capture_on_commit_callbacks, student_ids=[world.a.student.pk],
                     template_name="venues/email/event_changed.txt", place_changed=True, old_place="старый адрес")
    title = world.a.event.title
    assert f"Изменилось мероприятие «{title}», на которое вы записаны." in bodies["student71@test.example"]
    guardian = bodies["guardian71@test.example"]
    assert f"Изменилось мероприятие «{title}», на которое записан ваш ребёнок — {world.a.student.full_name}." in guardian
    assert "вы записаны" not in guardian


def test_a_guardian_of_two_booked_children_reads_both_names(world, django_capture_on_commit_callbacks):
    bodies = _bodies(world, django_capture_on_commit_callbacks, student_ids=[world.a.student.pk, world.a.sibling.pk],
                     template_name="venues/email/event_cancelled.txt", reason="ремонт")
    names = ", ".join(sorted([world.a.student.full_name, world.a.sibling.full_name]))
    assert f"и записи на него ваших детей ({names}) тоже." in bodies["guardian71@test.example"]
    assert "и ваша запись на него тоже." in bodies["student71@test.example"]


def test_a_promotion_names_only_the_readers_own_child(world, django_capture_on_commit_callbacks):
    """Two families promoted at once: each guardian reads their own child's name, never the other family's."""
    students = [world.a.sibling, world.a.other_student]
    bodies = _bodies(world, django_capture_on_commit_callbacks, student_ids=[s.pk for s in students],
                     template_name="venues/email/waitlist_promoted.txt", students=[s.full_name for s in students])
    mine, theirs = bodies["guardian71@test.example"], bodies["guardian71b@test.example"]
    assert f"запись подтверждена для вашего ребёнка — {world.a.sibling.full_name}." in mine
    assert world.a.other_student.full_name not in mine
    assert f"запись подтверждена для вашего ребёнка — {world.a.other_student.full_name}." in theirs
    assert world.a.sibling.full_name not in theirs
    assert "На мероприятии освободилось место, и оно ваше: вы записаны." in bodies["student71b@test.example"]
