"""Navigators (issue 14 §2): invitations that expire, are sent again and set the password; the navigator's form for
one student, held to the rules of an imported row."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bilet.models import User
from participants.models import NavigatorInvitation, Student
from participants.services import navigators as service
from participants.tests.factories import NavigatorFactory
from regions.tests.factories import UserFactory

ACCEPT_URL = "http://testserver/navigators/invitations/__token__/"


@pytest.fixture
def invited(world):
    user = UserFactory(email="new.navigator@test.example")
    user.set_unusable_password()
    user.save()
    return NavigatorFactory(user=user, school=world.a.school)


def _link(message) -> str:
    return re.search(r"http://testserver(/navigators/invitations/[^/\s]+/)", message.body).group(1)


@pytest.mark.django_db
def test_an_invitation_is_emailed_and_accepting_it_sets_the_password_and_signs_in(
    client, world, invited, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service.navigator_invite(actor=world.a.coordinator.user, user=invited.user, accept_url=ACCEPT_URL)
    assert [m.to for m in mail.outbox] == [["new.navigator@test.example"]]
    assert "Приглашение на портал «Билет в будущее»" in mail.outbox[0].subject
    assert world.a.school.short_name in mail.outbox[0].body
    link = _link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and "new.navigator@test.example" in page.content.decode()
    mismatch = client.post(link, {"password1": "Kosmos-2026-x", "password2": "other-2026-x"})
    assert mismatch.status_code == 400 and "Пароли не совпадают." in mismatch.content.decode()
    response = client.post(link, {"password1": "Kosmos-2026-x", "password2": "Kosmos-2026-x"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(pk=invited.user.pk)
    assert user.check_password("Kosmos-2026-x") and user.is_active
    assert int(client.session["_auth_user_id"]) == user.pk
    # The link works once.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410 and "Приглашение уже принято" in again.content.decode()


@pytest.mark.django_db
def test_an_expired_invitation_is_refused_and_sending_it_again_replaces_the_old_link(
    client, world, invited, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = service.navigator_invite(actor=world.a.coordinator.user, user=invited.user, accept_url=ACCEPT_URL)
    old_link = _link(mail.outbox[0])
    NavigatorInvitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get(old_link)
    assert expired.status_code == 410 and "Срок приглашения истёк" in expired.content.decode()
    assert client.post(old_link, {"password1": "Kosmos-2026-x", "password2": "Kosmos-2026-x"}).status_code == 410
    assert not User.objects.get(pk=invited.user.pk).has_usable_password()

    client.force_login(world.a.coordinator.user)
    detail = client.get(reverse("participants:navigator_detail", args=[invited.pk])).content.decode()
    assert "приглашение истекло" in detail and "Отправить приглашение ещё раз" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participants:navigator_invite", args=[invited.pk]))
    assert response.status_code == 302 and len(mail.outbox) == 2
    new_link = _link(mail.outbox[1])
    assert new_link != old_link
    assert list(NavigatorInvitation.objects.filter(user=invited.user).order_by("pk").values_list("status", flat=True)) == [
        "cancelled", "pending"]
    client.logout()
    # A link sent before the latest one no longer works, even if it had not expired.
    NavigatorInvitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert "Вам отправлено более новое приглашение" in client.get(old_link).content.decode()
    assert client.get(new_link).status_code == 200
    assert client.get("/navigators/invitations/not-a-token/").status_code == 410


@pytest.mark.django_db
def test_only_the_region_coordinator_or_operator_sends_an_invitation(client, world, invited):
    url = reverse("participants:navigator_invite", args=[invited.pk])
    for outsider in (world.b.coordinator.user, world.a.navigator.user, world.curator.user):
        client.force_login(outsider)
        assert client.post(url).status_code == 404
    assert not NavigatorInvitation.objects.exists()
    client.force_login(world.operator)
    assert client.post(url).status_code == 302
    assert NavigatorInvitation.objects.filter(user=invited.user).count() == 1


@pytest.mark.django_db
def test_an_active_account_is_not_invited(world):
    with pytest.raises(service.InvitationError) as refusal:
        service.navigator_invite(actor=world.operator, user=world.a.navigator.user, accept_url=ACCEPT_URL)
    assert refusal.value.message == "navigator71@test.example уже задал(а) пароль и может войти."


@pytest.mark.django_db
def test_a_navigator_registers_one_student_with_the_rules_of_an_import(client, world):
    a = world.a
    client.force_login(a.navigator.user)
    url = reverse("participants:student_register")
    page = client.get(url).content.decode()
    assert a.school.short_name in page and a.other_school.short_name not in page
    data = {"school": a.school.pk, "last_name": "Весёлкина", "first_name": "Вера", "middle_name": "",
            "birth_date": "2013-04-02", "grade": 7, "class_letter": "б", "nosology": "", "email": ""}
    assert client.post(url, data).status_code == 302
    student = Student.objects.get(last_name="Весёлкина")
    assert (student.school, student.registered_by, student.class_letter) == (a.school, a.navigator, "Б")
    twice = client.post(url, data)
    assert twice.status_code == 400 and "уже зарегистрирован(а)" in twice.content.decode()
    implausible = client.post(url, data | {"last_name": "Малышева", "birth_date": "2020-01-01"})
    assert implausible.status_code == 400 and "не подходит для 7 класса" in implausible.content.decode()
    # Another school is not offered, and a forged choice is refused by the form.
    forged = client.post(url, data | {"school": a.other_school.pk, "last_name": "Чужакова"})
    assert forged.status_code == 400 and not Student.objects.filter(last_name="Чужакова", school=a.other_school).exists()
    for outsider in (a.student.user, a.guardian.user, world.curator.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_navigator_sees_the_class_with_consent_diagnostics_and_bookings(client, world):
    a = world.a
    client.force_login(a.navigator.user)
    page = client.get(reverse("participants:student_list"), {"school": a.school.pk, "grade": 8}).content.decode()
    assert a.student.last_name in page and a.other_student.last_name not in page
