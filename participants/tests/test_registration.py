"""A student's own registration and the parent's invitation (issue 14 §1): each path of signup and linking."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bilet.models import User
from bilet.roles import get_roles
from participants.models import Guardian, GuardianInvitation, Guardianship, Student
from participants.services.registration import (
    GuardianNamed,
    RegistrationError,
    guardian_invitation_accept,
    guardian_invitation_accept_new,
    guardian_invitation_create,
    guardian_invitation_issue,
    guardian_invitation_refuse,
    student_registration_problems,
)
from participants.tests.factories import StudentFactory
from regions.tests.factories import UserFactory

SIGNUP = reverse("account_signup")
PASSWORD = "Kvadrat-2026-sinij"
LINK = re.compile(r"https?://[^\s]+/invitations/[^\s/]+/")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts signups per address (20 a minute) in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _today():
    return timezone.localdate()


def _birth_for_grade(grade: int) -> dt.date:
    """A birthday that makes a typical student of `grade` (grade + 7 years old, born in January)."""
    return dt.date(_today().year - grade - 7, 1, 15)


def _form(world, **over):
    a = world.a
    data = {
        "last_name": "Новикова", "first_name": "Вера", "middle_name": "Олеговна",
        "birth_date": _birth_for_grade(8).isoformat(),
        "region": a.region.pk, "municipality": a.municipality.pk, "school": a.school.pk, "school_search": "",
        "grade": "8", "class_letter": "б",
        "email": "vera@test.example", "password1": PASSWORD, "password2": PASSWORD,
        "guardian_last_name": "Новикова", "guardian_first_name": "Ольга", "guardian_middle_name": "Ивановна",
        "guardian_email": "olga@test.example",
    }
    data.update(over)
    return data


def _signup(client, django_capture_on_commit_callbacks, data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(SIGNUP, data)


def _link_from_outbox(index=-1) -> str:
    match = LINK.search(mail.outbox[index].body)
    assert match, mail.outbox[index].body
    return match.group(0).split("testserver", 1)[1]


def _errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- signup: the happy path and a new parent -------------------------------------------------------------------------


@pytest.mark.django_db
def test_student_signs_up_and_a_new_parent_creates_the_account_by_the_link(client, world, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, _form(world))
    assert response.status_code == 302, response.context and _errors(response)
    user = User.objects.get(email="vera@test.example")
    student = Student.objects.get(user=user)
    assert (student.region, student.municipality, student.school) == (world.a.region, world.a.municipality, world.a.school)
    assert (student.last_name, student.first_name, student.middle_name, student.grade, student.class_letter) == (
        "Новикова", "Вера", "Олеговна", 8, "Б")
    assert (user.last_name, user.first_name, user.middle_name) == ("Новикова", "Вера", "Олеговна")
    assert get_roles(user).names == ["student"]
    invitation = GuardianInvitation.objects.get(student=student)
    assert invitation.status == "pending" and invitation.email == "olga@test.example"
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)
    # allauth's confirmation of the student's address (ACCOUNT_EMAIL_VERIFICATION=optional) and the invitation
    invitation_mail = next(m for m in mail.outbox if m.to == ["olga@test.example"])
    assert "Новикова Вера Олеговна" in invitation_mail.subject
    assert "Здравствуйте, Новикова Ольга Ивановна!" in invitation_mail.body
    path = LINK.search(invitation_mail.body).group(0).split("testserver", 1)[1]
    assert invitation.token_hash and invitation.token_hash not in invitation_mail.body

    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "Новикова Вера Олеговна" in page.content.decode()
    assert page.context["form"]["first_name"].value() == "Ольга"
    response = client.post(path, {"answer": "accept", "last_name": "Новикова", "first_name": "Ольга",
                                  "middle_name": "Ивановна", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("participants:my_children")
    parent = User.objects.get(email="olga@test.example")
    assert parent.check_password(PASSWORD) and parent.get_full_name() == "Новикова Ольга Ивановна"
    assert Guardianship.objects.filter(guardian__user=parent, student=student).exists()
    assert EmailAddress.objects.get(user=parent).verified
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.guardian.user == parent
    children = client.get(reverse("participants:my_children"))  # signed in by the acceptance
    assert [link.student for link in children.context["links"]] == [student]
    # the link is spent
    again = client.get(path)
    assert again.context["state"] == "answered"


@pytest.mark.django_db
def test_typed_values_are_kept_on_an_error(client, world, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, _form(world, school=world.a.other_school.pk))
    assert response.status_code == 200
    body = response.content.decode()
    for value in ("Новикова", "Олеговна", "olga@test.example", "vera@test.example", _birth_for_grade(8).isoformat()):
        assert value in body
    assert f'<option value="{world.a.other_school.pk}" selected>' in body
    assert not User.objects.filter(email="vera@test.example").exists()


# --- an existing parent, a second child ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_existing_parent_signs_in_and_confirms(client, world, django_capture_on_commit_callbacks):
    parent = world.a.other_guardian  # has an account and a child already
    _signup(client, django_capture_on_commit_callbacks, _form(world, guardian_email=parent.user.email.upper()))
    student = Student.objects.get(user__email="vera@test.example")
    assert "у вас уже есть учётная запись" in mail.outbox[-1].body.lower()
    path = _link_from_outbox()
    client.logout()
    page = client.get(path)
    assert page.context["has_account"] and page.context["form"] is None
    assert f"{reverse('account_login')}?next=" in page.content.decode()
    # anonymous "accept" does nothing: the account's owner must sign in
    client.post(path, {"answer": "accept"})
    assert not Guardianship.objects.filter(student=student).exists()
    client.force_login(parent.user)
    response = client.post(path, {"answer": "accept"})
    assert response.status_code == 302
    assert set(Guardianship.objects.filter(guardian=parent).values_list("student", flat=True)) == {
        world.a.other_student.pk, student.pk}
    assert User.objects.filter(email__iexact=parent.user.email).count() == 1
    assert Guardian.objects.filter(user=parent.user).count() == 1


@pytest.mark.django_db
def test_another_account_signed_in_cannot_accept(client, world, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks, _form(world, guardian_email=world.a.other_guardian.user.email))
    path = _link_from_outbox()
    client.force_login(world.a.guardian.user)
    page = client.get(path)
    assert page.context["signed_in_as_other"]
    client.post(path, {"answer": "accept"})
    assert not Guardianship.objects.filter(student__user__email="vera@test.example").exists()


@pytest.mark.django_db
def test_second_child_adds_a_second_pending_link_to_the_same_parent(client, world, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks, _form(world))
    first_link = _link_from_outbox()
    client.logout()
    _signup(client, django_capture_on_commit_callbacks, _form(
        world, email="petr@test.example", first_name="Пётр", middle_name="", grade="6",
        birth_date=_birth_for_grade(6).isoformat(), guardian_email="OLGA@test.example"))
    client.logout()
    assert GuardianInvitation.objects.filter(email="olga@test.example", status="pending").count() == 2
    client.post(first_link, {"answer": "accept", "last_name": "Новикова", "first_name": "Ольга",
                             "middle_name": "", "password1": PASSWORD, "password2": PASSWORD})
    parent = User.objects.get(email="olga@test.example")
    page = client.get(reverse("participants:my_children"))
    assert [link.student.first_name for link in page.context["links"]] == ["Вера"]
    pending = page.context["pending"]
    assert [i.student.first_name for i in pending] == ["Пётр"]
    # the second child grants nothing until confirmed
    petr = Student.objects.get(user__email="petr@test.example")
    assert client.get(reverse("venues:my_bookings") + f"?student={petr.pk}").status_code == 404
    client.post(reverse("participants:my_children_accept", args=[pending[0].pk]))
    assert set(Guardianship.objects.filter(guardian__user=parent).values_list("student__first_name", flat=True)) == {
        "Вера", "Пётр"}
    assert client.get(reverse("venues:my_bookings") + f"?student={petr.pk}").status_code == 200


# --- refused, expired, resent ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_parent_refuses_and_the_student_names_another(client, world, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks, _form(world))
    student_user = User.objects.get(email="vera@test.example")
    path = _link_from_outbox()
    client.logout()
    response = client.post(path, {"answer": "refuse"})
    assert response.status_code == 302
    invitation = GuardianInvitation.objects.get(student__user=student_user)
    assert invitation.status == "refused"
    assert not Guardianship.objects.filter(student__user=student_user).exists()
    assert not User.objects.filter(email="olga@test.example").exists()

    client.force_login(student_user)
    page = client.get(reverse("participants:my_guardians"))
    assert "Родитель отказался от связи" in page.content.decode()
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participants:my_guardians"), {
            "guardian_last_name": "Новиков", "guardian_first_name": "Олег", "guardian_email": "oleg@test.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == count + 1 and mail.outbox[-1].to == ["oleg@test.example"]
    assert GuardianInvitation.objects.get(student__user=student_user, status="pending").email == "oleg@test.example"


@pytest.mark.django_db
def test_expired_invitation_is_refused_and_a_resend_gives_a_working_link(client, world, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks, _form(world))
    student_user = User.objects.get(email="vera@test.example")
    old_path = _link_from_outbox()
    invitation = GuardianInvitation.objects.get(student__user=student_user)
    GuardianInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1), sent_at=timezone.now() - dt.timedelta(days=7))
    client.logout()
    page = client.get(old_path)
    assert page.context["state"] == "expired" and "срок действия приглашения истёк" in page.content.decode().lower()
    client.post(old_path, {"answer": "accept", "last_name": "Новикова", "first_name": "Ольга", "password1": PASSWORD,
                           "password2": PASSWORD})
    assert not User.objects.filter(email="olga@test.example").exists()

    client.force_login(student_user)
    assert "Срок действия приглашения истёк" in client.get(reverse("participants:my_guardians")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:my_guardians_resend", args=[invitation.pk]))
    new_path = _link_from_outbox()
    assert new_path != old_path
    client.logout()
    assert client.get(old_path).status_code == 404  # the earlier link no longer opens anything
    assert client.get(new_path).context["state"] == "open"


@pytest.mark.django_db
def test_resend_sends_a_new_link_and_not_twice_a_minute(client, world, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks, _form(world))
    invitation = GuardianInvitation.objects.get(student__user__email="vera@test.example")
    count = len(mail.outbox)
    url = reverse("participants:my_guardians_resend", args=[invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert len(mail.outbox) == count
    assert "Приглашение отправлено меньше минуты назад" in response.content.decode()
    GuardianInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - dt.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert len(mail.outbox) == count + 1
    assert "Приглашение отправлено ещё раз на olga@test.example" in response.content.decode()


@pytest.mark.django_db
def test_resend_of_another_students_invitation_is_404(client, world, django_capture_on_commit_callbacks):
    invitation = guardian_invitation_create(
        student=world.a.sibling, guardian=GuardianNamed("x@test.example", "Иванова", "Мария"))
    client.force_login(world.a.student.user)
    assert client.post(reverse("participants:my_guardians_resend", args=[invitation.pk])).status_code == 404


# --- the checks of the signup --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("grade,birth_grade", [("8", 11), ("8", 4), ("10", 6)])
def test_implausible_age_for_the_grade(client, world, django_capture_on_commit_callbacks, grade, birth_grade):
    data = _form(world, grade=grade, birth_date=_birth_for_grade(birth_grade).isoformat())
    response = _signup(client, django_capture_on_commit_callbacks, data)
    g = int(grade)
    assert _errors(response)["birth_date"] == [
        f"Дата рождения не сходится с классом: в {g} классе обычно учатся дети {g + 6}–{g + 7} лет. "
        "Проверьте дату рождения и класс."]
    assert not Student.objects.exists() or not Student.objects.filter(user__email="vera@test.example").exists()


@pytest.mark.django_db
def test_plausible_edges_are_accepted(world):
    today = _today()
    for grade, age in ((8, 12), (8, 15), (6, 10), (11, 20)):
        birth = dt.date(today.year - age, 1, 1) if (today.month, today.day) >= (1, 1) else None
        problems = student_registration_problems(
            birth_date=birth, grade=grade, region=world.a.region, municipality=world.a.municipality,
            school=world.a.school, guardian=GuardianNamed("p@test.example", "А", "Б"))
        assert problems == {}, (grade, age, problems)


@pytest.mark.django_db
def test_birth_date_in_the_future_or_too_young(client, world, django_capture_on_commit_callbacks):
    for birth in (_today() + dt.timedelta(days=1), _today() - dt.timedelta(days=365 * 5)):
        response = _signup(client, django_capture_on_commit_callbacks, _form(world, birth_date=birth.isoformat()))
        assert _errors(response)["birth_date"] == [
            "Проверьте дату рождения: проект — для учеников 6–11 классов."]


@pytest.mark.django_db
def test_grade_outside_the_campaigns_grades(client, world, django_capture_on_commit_callbacks):
    world.campaign.grade_min = 7
    world.campaign.save()
    response = _signup(client, django_capture_on_commit_callbacks, _form(
        world, grade="6", birth_date=_birth_for_grade(6).isoformat()))
    assert _errors(response)["grade"] == ["В кампании «Кампания 2026» участвуют ученики 7–11 классов."]
    response = _signup(client, django_capture_on_commit_callbacks, _form(
        world, grade="5", birth_date=_birth_for_grade(5).isoformat()))
    assert _errors(response)["grade"] == ["В кампании «Кампания 2026» участвуют ученики 7–11 классов."]
    assert not User.objects.filter(email="vera@test.example").exists()


@pytest.mark.django_db
def test_school_of_another_municipality_or_region(client, world, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, _form(world, school=world.a.other_school.pk))
    assert _errors(response)["school"] == [
        "Школа не относится к выбранному муниципалитету: выберите её из списка ещё раз."]
    response = _signup(client, django_capture_on_commit_callbacks, _form(world, municipality=world.b.municipality.pk,
                                                                      school=world.b.school.pk))
    assert _errors(response)["municipality"] == ["Муниципалитет не относится к выбранному региону."]
    assert not User.objects.filter(email="vera@test.example").exists()


@pytest.mark.django_db
def test_duplicate_email(client, world, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, _form(world, email=world.a.navigator.user.email.upper()))
    assert _errors(response)["email"] == ["Пользователь с таким адресом электронной почты уже зарегистрирован."]
    assert User.objects.filter(email__iexact=world.a.navigator.user.email).count() == 1
    assert not Student.objects.filter(user=world.a.navigator.user).exists()


@pytest.mark.django_db
def test_minor_must_name_a_parent_an_adult_need_not(client, world, django_capture_on_commit_callbacks):
    blank = {"guardian_last_name": "", "guardian_first_name": "", "guardian_middle_name": "", "guardian_email": ""}
    response = _signup(client, django_capture_on_commit_callbacks, _form(world, **blank))
    assert _errors(response)["guardian_email"] == [
        "Укажите адрес электронной почты родителя: ученики младше 18 лет участвуют с согласия родителя."]
    adult = dt.date(_today().year - 19, 1, 1)
    response = _signup(client, django_capture_on_commit_callbacks, _form(
        world, grade="11", birth_date=adult.isoformat(), **blank))
    assert response.status_code == 302
    assert not GuardianInvitation.objects.exists()


@pytest.mark.django_db
def test_parent_email_must_differ_and_parent_name_is_required(client, world, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, _form(
        world, guardian_email="VERA@test.example", guardian_first_name=""))
    errors = _errors(response)
    assert errors["guardian_email"] == ["Адрес родителя должен отличаться от вашего."]
    assert errors["guardian_first_name"] == ["Укажите имя родителя."]


# --- a pending link grants nothing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pending_link_grants_nothing(client, world):
    child = world.b.student  # another region's student names guardian a: the parent has a guardian role already
    invitation = guardian_invitation_create(
        student=child, guardian=GuardianNamed(world.a.guardian.user.email, "Родитель", "Первый"))
    guardian_invitation_issue(invitation=invitation)
    client.force_login(world.a.guardian.user)
    assert client.get(reverse("venues:my_bookings") + f"?student={child.pk}").status_code == 404
    assert client.get(reverse("participants:diagnostic_results", args=[child.pk])).status_code == 404
    response = client.post(reverse("venues:event_book", args=[world.b.other_event.pk]), {"student": child.pk})
    assert response.status_code == 404
    assert not child.bookings.filter(event=world.b.other_event, status="confirmed").exclude(
        pk=world.b.booking.pk).exists()
    assert child.bookings.count() == 1  # only the booking the world gave
    home = client.get(reverse("home")).content.decode()
    assert child.last_name not in home
    # confirmed, the same pages open
    guardian_invitation_accept(invitation=invitation, user=world.a.guardian.user, by_link=True)
    assert client.get(reverse("venues:my_bookings") + f"?student={child.pk}").status_code == 200


# --- other roles cannot sign up ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_creates_a_student_and_nothing_else(client, world, django_capture_on_commit_callbacks):
    data = _form(world, is_staff="on", is_superuser="on", role="coordinator", region_id=world.a.region.pk)
    _signup(client, django_capture_on_commit_callbacks, data)
    user = User.objects.get(email="vera@test.example")
    assert not user.is_staff and not user.is_superuser
    assert get_roles(user).names == ["student"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "navigator", "venue_staff", "mentor", "guardian", "student"])
def test_signed_in_users_do_not_sign_up_again(client, world, role, django_capture_on_commit_callbacks):
    client.force_login(getattr(world.a, role).user)
    assert client.get(SIGNUP).status_code == 302
    _signup(client, django_capture_on_commit_callbacks, _form(world))
    assert not User.objects.filter(email="vera@test.example").exists()


@pytest.mark.django_db
def test_login_page_offers_student_registration(client, world):
    body = client.get(reverse("account_login")).content.decode()
    assert f'href="{SIGNUP}"' in body and "Зарегистрироваться как ученик" in body


# --- the place fields ---------------------------------------------------------------------------------------------


def _options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", block)


@pytest.mark.django_db
def test_places_narrow_by_region_municipality_and_search(client, world):
    url = reverse("participants:signup_places")
    a = world.a
    html = client.get(url, {"region": a.region.pk}).content.decode()
    assert set(_options(html, "id_municipality")[1:]) == {a.municipality.name, a.other_municipality.name}
    assert set(_options(html, "id_school")[1:]) == {a.school.short_name, a.other_school.short_name}
    html = client.get(url, {"region": a.region.pk, "municipality": a.other_municipality.pk}).content.decode()
    assert _options(html, "id_school")[1:] == [a.other_school.short_name]
    html = client.get(url, {"region": a.region.pk, "school_search": "№ 1 ("}).content.decode()
    assert _options(html, "id_school")[1:] == [a.school.short_name]
    html = client.get(url, {"region": "x", "municipality": "99999999999999999999"}).content.decode()
    assert _options(html, "id_school") == ["— сначала выберите регион —"]
    assert world.b.school.short_name not in client.get(url, {"region": a.region.pk}).content.decode()


@pytest.mark.django_db
def test_show_schools_without_javascript_keeps_what_was_typed(client, world):
    data = _form(world, municipality="", school="", show_schools="1", region=world.a.region.pk)
    response = client.post(SIGNUP, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert not User.objects.filter(email="vera@test.example").exists()
    assert "errorlist" not in body
    assert "Новикова" in body and "olga@test.example" in body and PASSWORD not in body
    assert set(_options(body, "id_municipality")[1:]) == {world.a.municipality.name, world.a.other_municipality.name}


# --- the services' refusals ------------------------------------------------------------------------------------------


def _invite(student, email="mama@test.example"):
    invitation = guardian_invitation_create(student=student, guardian=GuardianNamed(email, "Иванова", "Мария"))
    guardian_invitation_issue(invitation=invitation)
    invitation.refresh_from_db()
    return invitation


def _refusal(call) -> str:
    with pytest.raises(RegistrationError) as caught:
        call()
    return str(caught.value)


@pytest.mark.django_db
def test_accept_refusals(world):
    invitation = _invite(world.a.sibling, world.a.other_guardian.user.email)
    assert _refusal(lambda: guardian_invitation_accept(invitation=invitation, user=world.a.guardian.user, by_link=True)) == (
        "Приглашение отправлено на другой адрес: войдите в учётную запись с этим адресом.")
    # from the parent's page (no link) only with a verified address
    assert _refusal(lambda: guardian_invitation_accept(
        invitation=invitation, user=world.a.other_guardian.user, by_link=False)) == (
        "Чтобы подтвердить связь, откройте ссылку из письма с приглашением.")
    assert _refusal(lambda: guardian_invitation_accept_new(
        invitation=invitation, last_name="А", first_name="Б", middle_name="", password=PASSWORD)) == (
        "Учётная запись с этим адресом уже есть: войдите, чтобы подтвердить связь.")
    GuardianInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    for call in (lambda: guardian_invitation_accept(invitation=invitation, user=world.a.other_guardian.user, by_link=True),
                 lambda: guardian_invitation_refuse(invitation=invitation)):
        assert _refusal(call) == (
            "Срок действия приглашения истёк: попросите ребёнка отправить его ещё раз со своей страницы на портале.")
    GuardianInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    guardian_invitation_refuse(invitation=invitation, user=world.a.other_guardian.user)
    assert _refusal(lambda: guardian_invitation_accept(
        invitation=invitation, user=world.a.other_guardian.user, by_link=True)) == "На приглашение уже ответили."
    assert _refusal(lambda: guardian_invitation_issue(invitation=invitation)) == "На приглашение уже ответили."
    assert not Guardianship.objects.filter(guardian=world.a.other_guardian, student=world.a.sibling).exists()


@pytest.mark.django_db
def test_create_refusals_and_a_new_invitation_replaces_the_pending_one(world):
    student = world.a.student
    assert _refusal(lambda: guardian_invitation_create(
        student=student, guardian=GuardianNamed(student.user.email, "А", "Б"))) == "Адрес родителя должен отличаться от вашего."
    assert _refusal(lambda: guardian_invitation_create(
        student=student, guardian=GuardianNamed(world.a.guardian.user.email, "А", "Б"))) == (
        "Этот родитель уже подтвердил связь с вами.")
    assert _refusal(lambda: guardian_invitation_create(
        student=student, guardian=GuardianNamed("x@test.example", "", "Б"))) == (
        "Укажите фамилию, имя и адрес электронной почты родителя.")
    first = _invite(student, "first@test.example")
    second = _invite(student, "second@test.example")
    first.refresh_from_db()
    assert (first.status, second.status) == ("cancelled", "pending")


@pytest.mark.django_db
def test_register_twice_is_refused(world):
    from participants.services.registration import student_register

    a = world.a
    kwargs = dict(user=a.student.user, last_name="А", first_name="Б", middle_name="", birth_date=_birth_for_grade(8),
                  region=a.region, municipality=a.municipality, school=a.school, grade=8, class_letter="",
                  guardian=GuardianNamed("p@test.example", "В", "Г"))
    assert _refusal(lambda: student_register(**kwargs)) == "Эта учётная запись уже принадлежит ученику."
    kwargs.update(user=UserFactory(email="new@test.example"), school=a.other_school)
    error = pytest.raises(RegistrationError, student_register, **kwargs).value
    assert error.errors == {"school": ["Школа не относится к выбранному муниципалитету: выберите её из списка ещё раз."]}
    assert not Student.objects.filter(user__email="new@test.example").exists()


@pytest.mark.django_db
def test_the_task_sends_nothing_for_an_answered_invitation_and_retries_on_mail_errors(world):
    from smtplib import SMTPException

    from participants.tasks import send_guardian_invitation

    invitation = _invite(world.a.sibling)
    guardian_invitation_refuse(invitation=invitation)
    send_guardian_invitation(invitation_id=invitation.pk, base_url="http://testserver/")
    send_guardian_invitation(invitation_id=10**12, base_url="http://testserver/")
    assert mail.outbox == []
    assert SMTPException in send_guardian_invitation.autoretry_for and OSError in send_guardian_invitation.autoretry_for


# --- the pages: who reaches them, what a wrong password keeps -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "navigator", "venue_staff", "mentor", "student"])
def test_my_children_is_404_for_everyone_but_parents(client, world, role):
    client.force_login(getattr(world.a, role).user)
    assert client.get(reverse("participants:my_children")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "navigator", "venue_staff", "mentor", "guardian"])
def test_my_parents_is_404_for_everyone_but_students(client, world, role):
    client.force_login(getattr(world.a, role).user)
    assert client.get(reverse("participants:my_guardians")).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_and_a_bad_link_is_404(client, world):
    assert client.get(reverse("participants:my_children")).status_code == 302
    assert client.get(reverse("participants:guardian_invitation", args=["no-such-link"])).status_code == 404
    assert client.get(reverse("participants:guardian_invitation", args=["x" * 200])).status_code == 404


@pytest.mark.django_db
def test_new_parents_password_mismatch_keeps_the_name(client, world):
    invitation = _invite(world.a.sibling, "new-parent@test.example")
    token = "fixed-token-for-this-test"
    GuardianInvitation.objects.filter(pk=invitation.pk).update(token_hash=GuardianInvitation.digest(token))
    path = reverse("participants:guardian_invitation", args=[token])
    response = client.post(path, {"answer": "accept", "last_name": "Петрова", "first_name": "Нина",
                                  "password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["password2"] == ["Пароли не совпадают."]
    assert 'value="Нина"' in response.content.decode()
    response = client.post(path, {"answer": "accept", "last_name": "Петрова", "first_name": "Нина",
                                  "password1": "12345678", "password2": "12345678"})
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="new-parent@test.example").exists()


@pytest.mark.django_db
def test_my_children_queries_do_not_grow_with_children(client, world, django_assert_max_num_queries):
    parent = world.a.guardian.user
    EmailAddress.objects.create(user=parent, email=parent.email, verified=True, primary=True)
    client.force_login(parent)
    client.get(reverse("participants:my_children"))  # warm the session
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("participants:my_children"))
    for n in range(3):
        child = StudentFactory(school=world.a.school)
        Guardianship.objects.create(guardian=world.a.guardian, student=child)
        _invite(StudentFactory(school=world.a.other_school), parent.email)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("participants:my_children"))
    assert len(response.context["links"]) == 5 and len(response.context["pending"]) == 3


@pytest.mark.django_db
def test_email_confirmation_follows_the_setting(client, world, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = _signup(client, django_capture_on_commit_callbacks, _form(world))
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session  # signed in only once the address is confirmed
    assert [m.to for m in mail.outbox] == [["vera@test.example"], ["olga@test.example"]]
    assert not EmailAddress.objects.get(email="vera@test.example").verified
