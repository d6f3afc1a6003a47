"""Citizens' appeals (issue 15 §4): registration with the 59-ФЗ deadline, assignment, the answer, states, the list's
counts and filters, and scoping."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from regions.models import Appeal
from regions.services import RecordError
from regions.services.appeals import appeal_answer, appeal_assign, appeal_register
from regions.tests.factories import AppealFactory, UserFactory


def _register(world, actor=None, **overrides):
    fields = {"author_name": "Петров Пётр", "author_email": "", "author_phone": "+7 900 000-00-00",
              "channel": "phone", "subject": "Запись на пробу", "text": "Не получается записаться.",
              "received_on": timezone.localdate()}
    fields.update(overrides)
    return appeal_register(actor=actor or world.a.coordinator.user, region=world.a.region, **fields)


def refused(call, message):
    with pytest.raises(RecordError) as info:
        call()
    assert info.value.message == message


def test_register_is_due_in_30_days(world):
    received = timezone.localdate() - dt.timedelta(days=2)
    appeal = _register(world, received_on=received)
    assert appeal.due_on == received + dt.timedelta(days=30)
    assert appeal.status == Appeal.Status.NEW
    assert appeal.registered_by == world.a.coordinator.user


def test_register_with_an_earlier_deadline(world):
    due = timezone.localdate() + dt.timedelta(days=10)
    assert _register(world, due_on=due).due_on == due


def test_register_refusals(world):
    today = timezone.localdate()
    refused(lambda: _register(world, received_on=today + dt.timedelta(days=1)),
            "Обращение не может поступить в будущем.")
    refused(lambda: _register(world, due_on=today - dt.timedelta(days=1)),
            "Срок ответа не может быть раньше даты поступления обращения.")
    latest = today + dt.timedelta(days=30)
    refused(lambda: _register(world, due_on=today + dt.timedelta(days=31)),
            f"Закон даёт на ответ не более 30 дней: укажите дату не позднее {latest:%d.%m.%Y}.")
    refused(lambda: _register(world, subject=" "), "Обязательное поле.")
    for actor in (world.curator.user, world.b.coordinator.user, world.a.venue_staff.user):
        refused(lambda: _register(world, actor=actor), "Изменять записи региона может только его региональный координатор.")
    assert not Appeal.objects.exists()


def test_assign_and_answer(world):
    appeal = _register(world)
    appeal = appeal_assign(actor=world.a.coordinator.user, appeal=appeal, assignee=world.curator.user)
    assert appeal.status == Appeal.Status.IN_PROGRESS
    appeal = appeal_answer(actor=world.curator.user, appeal=appeal, answer="Запись открыта на портале.")
    assert appeal.status == Appeal.Status.ANSWERED
    assert appeal.answered_by == world.curator.user and appeal.answered_at is not None
    refused(lambda: appeal_answer(actor=world.a.coordinator.user, appeal=appeal, answer="Ещё раз"),
            "На обращение уже дан ответ.")
    refused(lambda: appeal_assign(actor=world.a.coordinator.user, appeal=appeal, assignee=world.a.coordinator.user),
            "На обращение уже дан ответ.")


def test_assign_refusals(world):
    appeal = _register(world)
    refused(lambda: appeal_assign(actor=world.a.coordinator.user, appeal=appeal, assignee=world.b.coordinator.user),
            "Выберите координатора или куратора региона обращения.")
    refused(lambda: appeal_assign(actor=world.curator.user, appeal=appeal, assignee=world.curator.user),
            "Изменять записи региона может только его региональный координатор.")


def test_answer_refusals(world):
    appeal = _register(world)
    refused(lambda: appeal_answer(actor=world.a.coordinator.user, appeal=appeal, answer="  "), "Напишите ответ.")
    refused(lambda: appeal_answer(actor=world.curator.user, appeal=appeal, answer="Ответ"),
            "Изменять записи региона может только его региональный координатор.")


# --- pages -----------------------------------------------------------------------------------------------------


def _appeals(world):
    today = timezone.localdate()
    late = AppealFactory(region=world.a.region, subject="Просроченное", due_on=today - dt.timedelta(days=1))
    AppealFactory(region=world.a.region, subject="В работе", status=Appeal.Status.IN_PROGRESS)
    AppealFactory(region=world.a.region, subject="Отвеченное", status=Appeal.Status.ANSWERED,
                  due_on=today - dt.timedelta(days=5), answer="Ответ")
    other = AppealFactory(region=world.b.region, subject="Смоленское обращение")
    return late, other


def test_list_counts_and_filters(client, world, django_assert_max_num_queries):
    late, _other = _appeals(world)
    client.force_login(world.a.coordinator.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("regions:appeal_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Просроченное" in html and "Смоленское обращение" not in html
    assert response.context["counts"] == {"total": 3, "overdue": 1, "new": 1, "in_progress": 1, "answered": 1}
    overdue = client.get(reverse("regions:appeal_list") + "?overdue=true").content.decode()
    assert "Просроченное" in overdue and "В работе" not in overdue and "Отвеченное" not in overdue
    answered = client.get(reverse("regions:appeal_list") + "?status=answered").content.decode()
    assert "Отвеченное" in answered and "Просроченное" not in answered
    home = client.get(reverse("home")).content.decode()
    assert "Обращения граждан" in home and "просрочено: 1" in home.lower()


def test_register_assign_answer_through_the_pages(client, world):
    client.force_login(world.a.coordinator.user)
    today = timezone.localdate()
    response = client.post(reverse("regions:appeal_create"), {
        "author_name": "Сидорова Анна", "channel": "post", "subject": "Пробы для детей с ОВЗ",
        "text": "Есть ли доступные площадки?", "received_on": today.isoformat()})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.due_on == today + dt.timedelta(days=30)
    url = reverse("regions:appeal_detail", args=[appeal.pk])
    assert client.post(reverse("regions:appeal_assign", args=[appeal.pk]),
                       {"assignee": world.a.coordinator.user.pk}).status_code == 302
    assert client.post(reverse("regions:appeal_answer", args=[appeal.pk]), {"answer": "Да, три площадки."}
                       ).status_code == 302
    page = client.get(url).content.decode()
    assert "Да, три площадки." in page
    client.force_login(world.curator.user)
    assert client.get(url).status_code == 200
    assert client.get(reverse("regions:appeal_create")).status_code == 403


def test_register_errors_are_shown(client, world):
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("regions:appeal_create"), {
        "author_name": "А", "channel": "post", "subject": "Тема", "text": "Текст",
        "received_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    assert "Обращение не может поступить в будущем." in response.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "curator", "venue_staff", "navigator", "mentor", "guardian"])
def test_other_regions_appeal_is_404(client, world, role):
    _late, other = _appeals(world)
    user = world.curator.user if role == "curator" else getattr(world.a, role).user
    client.force_login(user)
    assert client.get(reverse("regions:appeal_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("regions:appeal_answer", args=[other.pk]), {"answer": "x"}).status_code == 404
    assert client.post(reverse("regions:appeal_assign", args=[other.pk]),
                       {"assignee": user.pk}).status_code == 404
    other.refresh_from_db()
    assert other.status == Appeal.Status.NEW


@pytest.mark.parametrize("role", ["venue_staff", "navigator", "mentor", "guardian", "student"])
def test_appeal_list_is_404_for_other_roles(client, world, role):
    client.force_login(getattr(world.a, role).user)
    assert client.get(reverse("regions:appeal_list")).status_code == 404


def test_outsider_is_404(client, world):
    client.force_login(UserFactory())
    assert client.get(reverse("regions:appeal_list")).status_code == 404
