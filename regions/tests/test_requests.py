"""Curators' requests (issue 15 §1): due dates in working days, states, attachments, reminders, pages and scoping."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bilet.models import Notification, NotificationKind, NotificationPreference
from regions.attachments import DOCX, JPEG, MAX_BYTES, PDF, PNG, XLSX, check_attachment
from regions.models import CuratorRequest, RequestMessage
from regions.services.requests import (
    RequestError,
    request_accept,
    request_answer,
    request_return,
    requests_remind_due,
)
from regions.tests.factories import CoordinatorFactory, CuratorFactory, UserFactory

from .request_helpers import PNG_BYTES, office_zip, pdf, send

D = dt.date


def refused(call, message):
    with pytest.raises(RequestError) as info:
        call()
    assert info.value.message == message
    return info.value


@pytest.fixture
def on_day(monkeypatch):
    """Make the portal's «today» a given date."""

    def set_today(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


# --- due dates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today,due",
    [
        (D(2025, 12, 29), D(2026, 1, 12)),  # 30 Dec, then 31 Dec–11 Jan off
        (D(2025, 10, 31), D(2025, 11, 5)),  # the working Saturday 1 Nov, then 3–4 Nov off
        (D(2027, 2, 19), D(2027, 2, 24)),  # the working Saturday 20 Feb, then 21–23 Feb off
        (D(2026, 12, 30), D(2027, 1, 12)),  # 31 Dec 2026 is a day off: 11 and 12 Jan 2027
        (D(2026, 12, 4), D(2026, 12, 8)),  # an ordinary Friday
    ],
)
def test_due_in_two_working_days(world, on_day, today, due):
    on_day(today)
    assert send(world).due_on == due


def test_curator_sets_the_date(world):
    day = timezone.localdate() + dt.timedelta(days=10)
    assert send(world, due_on=day).due_on == day
    assert send(world, due_on=timezone.localdate()).due_on == timezone.localdate()


def test_create_refusals(world):
    error = refused(lambda: send(world, due_on=timezone.localdate() - dt.timedelta(days=1)),
                    "Срок ответа не может быть раньше сегодняшнего дня.")
    assert error.field == "due_on"
    refused(lambda: send(world, subject="  "), "Напишите тему запроса.")
    refused(lambda: send(world, text=""), "Напишите, что вы просите у координатора.")
    only_curator = "Это может сделать только куратор региона."
    refused(lambda: send(world, region=world.b.region), only_curator)
    refused(lambda: send(world, actor=world.a.coordinator.user), only_curator)
    refused(lambda: send(world, actor=world.operator), only_curator)
    assert not CuratorRequest.objects.exists()


def test_create_writes_the_thread_and_tells_the_coordinators(world, django_capture_on_commit_callbacks):
    second = CoordinatorFactory(region=world.a.region, user=UserFactory(email="second71@test.example"))
    with django_capture_on_commit_callbacks(execute=True):
        request = send(world, files=[pdf()])
    assert request.status == CuratorRequest.Status.OPEN
    message = request.messages.get()
    assert message.kind == RequestMessage.Kind.REQUEST and message.attachments.get().content_type == PDF.content_type
    told = Notification.objects.filter(kind=NotificationKind.REQUEST_RECEIVED)
    assert {n.recipient_id for n in told} == {world.a.coordinator.user_id, second.user_id}
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator71@test.example", "second71@test.example"]
    assert "Сведения о навигаторах" in mail.outbox[0].subject
    assert f"/requests/{request.pk}/" in mail.outbox[0].body


# --- states -----------------------------------------------------------------------------------------------------------


def test_answer_accept(world):
    request = send(world)
    request_answer(actor=world.a.coordinator.user, request=request, text="Список во вложении", files=[pdf()])
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.ANSWERED
    assert Notification.objects.filter(recipient=world.curator.user, kind=NotificationKind.REQUEST_ANSWERED).count() == 1
    request_accept(actor=world.curator.user, request=request)
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.ACCEPTED
    assert Notification.objects.filter(recipient=world.a.coordinator.user,
                                       kind=NotificationKind.REQUEST_ACCEPTED).count() == 1
    assert [m.kind for m in request.messages.all()] == ["request", "answer", "acceptance"]


def test_return_reopens_for_another_answer(world, on_day):
    request = send(world)
    request_answer(actor=world.a.coordinator.user, request=request, text="Вот")
    new_date = timezone.localdate() + dt.timedelta(days=5)
    request_return(actor=world.curator.user, request=request, comment="Нет телефонов", due_on=new_date)
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.RETURNED and request.due_on == new_date
    returned = Notification.objects.get(kind=NotificationKind.REQUEST_RETURNED)
    assert returned.recipient == world.a.coordinator.user and "Нет телефонов" in returned.text
    request_answer(actor=world.a.coordinator.user, request=request, text="С телефонами")
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.ANSWERED


def test_state_refusals(world):
    request = send(world)
    coordinator, curator = world.a.coordinator.user, world.curator.user
    refused(lambda: request_accept(actor=curator, request=request),
            "Принять можно только запрос с ответом; возможно, его только что изменили.")
    refused(lambda: request_return(actor=curator, request=request, comment="x"),
            "Вернуть можно только запрос с ответом; возможно, его только что изменили.")
    only_coordinator = "Ответить на запрос может только координатор региона."
    refused(lambda: request_answer(actor=world.b.coordinator.user, request=request, text="x"), only_coordinator)
    refused(lambda: request_answer(actor=curator, request=request, text="x"), only_coordinator)
    refused(lambda: request_answer(actor=coordinator, request=request, text=" "), "Напишите ответ или приложите файл.")
    request_answer(actor=coordinator, request=request, text="Готово")
    stale = CuratorRequest.objects.get(pk=request.pk)
    stale.status = CuratorRequest.Status.OPEN
    refused(lambda: request_answer(actor=coordinator, request=stale, text="ещё раз"),
            "Запрос не ожидает ответа; возможно, на него только что ответили.")
    refused(lambda: request_return(actor=curator, request=request, comment=" "), "Напишите, чего не хватает в ответе.")
    refused(lambda: request_accept(actor=world.b.coordinator.user, request=request),
            "Это может сделать только куратор региона.")
    other_curator = CuratorFactory(user=UserFactory(email="curator67@test.example"), regions=[world.b.region]).user
    refused(lambda: request_accept(actor=other_curator, request=request), "Это может сделать только куратор региона.")


def test_overdue_is_computed(world):
    request = send(world)
    assert not request.is_overdue(request.due_on)
    assert request.is_overdue(request.due_on + dt.timedelta(days=1))
    request_answer(actor=world.a.coordinator.user, request=request, text="Готово")
    request.refresh_from_db()
    assert not request.is_overdue(request.due_on + dt.timedelta(days=1))


# --- attachments ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,kind",
    [
        ("a.pdf", b"%PDF-1.7\n...", PDF),
        ("a.png", PNG_BYTES, PNG),
        ("a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        ("a.docx", office_zip("word/document.xml"), DOCX),
        ("a.xlsx", office_zip("xl/workbook.xml"), XLSX),
        ("without-extension", b"%PDF-1.4", PDF),
    ],
)
def test_accepted_kinds_by_content(name, content, kind):
    assert check_attachment(SimpleUploadedFile(name, content)) == kind


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("отчёт.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100,
         "«отчёт.pdf» — не файл PDF, DOCX, XLSX, PNG или JPEG; такие файлы прикладывать нельзя."),
        ("script.docx", b"#!/bin/sh\nrm -rf /\n",
         "«script.docx» — не файл PDF, DOCX, XLSX, PNG или JPEG; такие файлы прикладывать нельзя."),
        ("archive.xlsx", office_zip("payload.exe")[0:0] or b"PK\x03\x04broken",
         "«archive.xlsx» — не файл PDF, DOCX, XLSX, PNG или JPEG; такие файлы прикладывать нельзя."),
        ("empty.pdf", b"", "Файл «empty.pdf» пустой."),
    ],
)
def test_refused_kinds(name, content, message):
    with pytest.raises(Exception) as info:
        check_attachment(SimpleUploadedFile(name, content))
    assert info.value.messages == [message]


def test_a_zip_that_is_not_an_office_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", b"MZ")
    with pytest.raises(Exception) as info:
        check_attachment(SimpleUploadedFile("list.xlsx", buffer.getvalue()))
    assert "не файл PDF, DOCX, XLSX" in info.value.messages[0]


def test_a_zip_bomb_is_refused():
    content = office_zip("word/document.xml", extra={"word/media/big.bin": b"\x00" * (201 * 1024 * 1024)})
    assert len(content) < 1024 * 1024
    with pytest.raises(Exception) as info:
        check_attachment(SimpleUploadedFile("bomb.docx", content))
    assert info.value.messages == ["«bomb.docx» распаковывается больше чем в 200,0\u00a0МБ; такой файл приложить нельзя."]


def test_an_oversize_file_is_refused_and_nothing_is_saved(world):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * MAX_BYTES)
    error = refused(lambda: send(world, files=[big]),
                    "Размер «big.pdf» — 20,0\u00a0МБ; вложение может быть не больше 20,0\u00a0МБ.")
    assert error.field == "files"
    assert not CuratorRequest.objects.exists()


def test_a_bad_answer_file_leaves_the_request_open(world):
    request = send(world)
    refused(lambda: request_answer(actor=world.a.coordinator.user, request=request, text="x",
                                   files=[SimpleUploadedFile("a.pdf", b"MZ")]),
            "«a.pdf» — не файл PDF, DOCX, XLSX, PNG или JPEG; такие файлы прикладывать нельзя.")
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.OPEN


def test_at_most_five_files(world):
    refused(lambda: send(world, files=[pdf(f"{i}.pdf") for i in range(6)]),
            "За один раз можно приложить не больше 5 файлов.")


# --- the reminder the working day before --------------------------------------------------------------------------


def test_reminder_the_working_day_before_and_only_once(world, on_day, django_capture_on_commit_callbacks):
    on_day(D(2025, 12, 29))
    request = send(world)  # due Mon 12 Jan 2026
    answered = send(world, subject="Уже отвечен")
    request_answer(actor=world.a.coordinator.user, request=answered, text="Готово")
    assert requests_remind_due(today=D(2025, 12, 29)) == []  # 30 Dec is the next working day
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # 30 Dec 2025 is the working day before 12 Jan 2026
        assert requests_remind_due(today=D(2025, 12, 30)) == [request.pk]
    assert [m.to for m in mail.outbox] == [["coordinator71@test.example"]]
    assert "12 января 2026" in mail.outbox[0].body
    assert requests_remind_due(today=D(2025, 12, 30)) == []
    assert requests_remind_due(today=D(2026, 1, 9)) == []
    assert Notification.objects.filter(kind=NotificationKind.REQUEST_DUE).count() == 1


def test_reminder_email_off_still_leaves_the_notification(world, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world.a.coordinator.user, kind=NotificationKind.REQUEST_DUE, email=False)
    request = send(world)
    mail.outbox.clear()
    day_before = timezone.localdate()
    while True:
        from regions.workdays import add_working_days

        if add_working_days(day_before, 1) >= request.due_on:
            break
        day_before += dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_remind_due(today=day_before) == [request.pk]
    assert mail.outbox == []
    assert Notification.objects.filter(kind=NotificationKind.REQUEST_DUE, recipient=world.a.coordinator.user).exists()


@pytest.mark.django_db
def test_the_beat_schedule_exists():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="regions.remind_due_requests")
    assert task.enabled and task.crontab.hour == "9"


# --- pages ------------------------------------------------------------------------------------------------------------


def test_curator_sends_a_request_with_a_file_from_the_page(client, world):
    client.force_login(world.curator.user)
    page = client.get(reverse("regions:request_create"))
    assert page.status_code == 200
    assert world.b.region.name not in page.content.decode()
    response = client.post(reverse("regions:request_create"), {
        "region": world.a.region.pk, "subject": "Фото мероприятий", "text": "Пришлите фото.", "due_on": "",
        "files": [pdf("план.pdf")],
    })
    request = CuratorRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("regions:request_detail", args=[request.pk])
    assert request.messages.get().attachments.get().name == "план.pdf"


def test_the_form_shows_a_refused_file(client, world):
    client.force_login(world.curator.user)
    response = client.post(reverse("regions:request_create"), {
        "region": world.a.region.pk, "subject": "Тема", "text": "Текст",
        "files": [SimpleUploadedFile("virus.pdf", b"MZ\x90")],
    })
    assert response.status_code == 400
    assert "«virus.pdf» — не файл PDF, DOCX, XLSX, PNG или JPEG" in response.content.decode()
    assert not CuratorRequest.objects.exists()


def test_a_curator_cannot_pick_another_region(client, world):
    client.force_login(world.curator.user)
    response = client.post(reverse("regions:request_create"),
                           {"region": world.b.region.pk, "subject": "Тема", "text": "Текст"})
    assert response.status_code == 400
    assert not CuratorRequest.objects.exists()


def test_coordinator_answers_and_curator_accepts_from_the_pages(client, world):
    request = send(world)
    client.force_login(world.a.coordinator.user)
    detail = client.get(reverse("regions:request_detail", args=[request.pk])).content.decode()
    assert "Сведения о навигаторах" in detail and "Ваш ответ" in detail
    response = client.post(reverse("regions:request_answer", args=[request.pk]),
                           {"text": "Во вложении", "files": [pdf("список.pdf")]})
    assert response.status_code == 302
    attachment = RequestMessage.objects.get(kind="answer").attachments.get()
    client.force_login(world.curator.user)
    download = client.get(reverse("regions:request_attachment", args=[request.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    response = client.post(reverse("regions:request_return", args=[request.pk]), {"comment": ""})
    assert response.status_code == 400
    assert client.post(reverse("regions:request_accept", args=[request.pk]), {}).status_code == 302
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.ACCEPTED


def test_a_stale_page_gets_the_message(client, world):
    request = send(world)
    client.force_login(world.curator.user)
    response = client.post(reverse("regions:request_accept", args=[request.pk]), {}, follow=True)
    assert response.redirect_chain == [(reverse("regions:request_detail", args=[request.pk]), 302)]
    assert "Принять можно только запрос с ответом" in response.content.decode()
    request.refresh_from_db()
    assert request.status == CuratorRequest.Status.OPEN


@pytest.mark.parametrize("role", ["navigator", "venue_staff", "mentor", "guardian", "student"])
def test_other_roles_get_404(client, world, role):
    request = send(world, files=[pdf()])
    attachment = request.messages.get().attachments.get()
    client.force_login(getattr(world.a, role).user)
    for url in (
        reverse("regions:request_list"),
        reverse("regions:request_create"),
        reverse("regions:request_detail", args=[request.pk]),
        reverse("regions:request_attachment", args=[request.pk, attachment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("regions:request_answer", args=[request.pk]), {"text": "x"}).status_code == 404


def test_another_regions_coordinator_and_the_operator_get_404(client, world):
    request = send(world, files=[pdf()])
    attachment = request.messages.get().attachments.get()
    for user in (world.b.coordinator.user, world.operator):
        client.force_login(user)
        assert client.get(reverse("regions:request_detail", args=[request.pk])).status_code == 404
        assert client.get(reverse("regions:request_attachment", args=[request.pk, attachment.pk])).status_code == 404
        assert client.post(reverse("regions:request_answer", args=[request.pk]), {"text": "x"}).status_code == 404
    client.force_login(world.b.coordinator.user)
    assert "Сведения о навигаторах" not in client.get(reverse("regions:request_list")).content.decode()
    assert client.get(reverse("regions:request_create")).status_code == 404


def test_an_attachment_of_another_request_is_404(client, world):
    first, second = send(world, files=[pdf()]), send(world)
    attachment = first.messages.get().attachments.get()
    client.force_login(world.curator.user)
    assert client.get(reverse("regions:request_attachment", args=[second.pk, attachment.pk])).status_code == 404


def test_list_query_count_is_pinned(client, world, django_assert_max_num_queries):
    for i in range(5):
        send(world, subject=f"Запрос {i}")
    client.force_login(world.curator.user)
    client.get(reverse("regions:request_list"))  # warm caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("regions:request_list"))
    for i in range(10):
        send(world, subject=f"Ещё {i}")
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("regions:request_list")).content.decode()
    assert len(many) == len(few) <= 8
    assert "Ещё 9" in body and "Запрос 0" in body


@pytest.mark.parametrize("who", ["curator", "coordinator"])
def test_overdue_requests_on_the_home_page(client, world, on_day, who):
    on_day(D(2026, 12, 1))
    request = send(world, subject="Просроченный запрос")
    fresh = send(world, subject="Свежий запрос", due_on=D(2026, 12, 31))
    on_day(D(2026, 12, 10))
    client.force_login(world.curator.user if who == "curator" else world.a.coordinator.user)
    body = client.get(reverse("home")).content.decode()
    assert "Просроченные запросы" in body and "Просроченный запрос" in body
    assert fresh.subject not in body
    assert reverse("regions:request_detail", args=[request.pk]) in body
    client.force_login(world.b.coordinator.user)
    assert "Просроченный запрос" not in client.get(reverse("home")).content.decode()


def test_the_list_marks_overdue(client, world, on_day):
    on_day(D(2026, 12, 1))
    send(world)
    on_day(D(2026, 12, 10))
    client.force_login(world.a.coordinator.user)
    body = client.get(reverse("regions:request_list")).content.decode()
    assert "просрочен" in body
