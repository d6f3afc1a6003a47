"""An invitation answered from two tabs at once, and a navigator invited twice at once: each answered or replaced
once. On PostgreSQL, each side in its own thread and connection."""

import re

import pytest
from django.core import mail

from bilet.models import User
from participants.models import Guardianship, NavigatorInvitation
from participants.services import navigators
from participants.services.registration import (
    GuardianNamed,
    RegistrationError,
    guardian_invitation_accept_new,
    guardian_invitation_create,
    guardian_invitation_issue,
)
from participants.tests.factories import NavigatorFactory
from regions.tests.factories import UserFactory
from venues.tests.test_followup_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACCEPT_URL = "http://testserver/navigators/invitations/__token__/"
PASSWORD = "Kvadrat-2026-sinij"


def _refusal_or_result(call):
    def run():
        try:
            return call()
        except (RegistrationError, navigators.InvitationError) as refusal:
            return refusal

    return run


@pytest.fixture
def new_navigator(world, require_postgres):
    user = UserFactory(email="new.navigator@test.example")
    user.set_unusable_password()
    user.save()
    return NavigatorFactory(user=user, school=world.a.school)


def test_a_parent_creating_the_account_from_two_tabs_gets_one_account_and_one_link(world, require_postgres):
    invitation = guardian_invitation_create(
        student=world.a.sibling, guardian=GuardianNamed("olga@test.example", "Новикова", "Ольга")
    )
    guardian_invitation_issue(invitation=invitation)
    invitation_class = type(invitation)

    def accept():
        return guardian_invitation_accept_new(
            invitation=invitation_class.objects.get(pk=invitation.pk), last_name="Новикова", first_name="Ольга",
            middle_name="", password=PASSWORD,
        )

    results = race(*[_refusal_or_result(accept) for _n in range(2)])
    assert sorted(type(r).__name__ for r in results) == ["RegistrationError", "User"], results
    assert str(next(r for r in results if isinstance(r, RegistrationError))) == "На приглашение уже ответили."
    assert User.objects.filter(email="olga@test.example").count() == 1
    assert Guardianship.objects.filter(student=world.a.sibling, guardian__user__email="olga@test.example").count() == 1


def test_a_navigator_setting_the_password_from_two_tabs_accepts_once(new_navigator, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        navigators.navigator_invite(actor=world.a.coordinator.user, user=new_navigator.user, accept_url=ACCEPT_URL)
    token = re.search(r"/navigators/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    results = race(*[_refusal_or_result(
        lambda: navigators.navigator_invitation_accept(token=token, password=PASSWORD)) for _n in range(2)])
    assert sorted(type(r).__name__ for r in results) == ["InvitationError", "User"], results
    refusal = next(r for r in results if isinstance(r, navigators.InvitationError))
    assert refusal.message == "Приглашение уже принято: войдите со своей почтой и паролем."
    assert NavigatorInvitation.objects.get(user=new_navigator.user).status == "accepted"


def test_a_navigator_invited_twice_at_once_has_one_link_in_force(new_navigator, world):
    def invite():
        return navigators.navigator_invite(actor=world.a.coordinator.user, user=new_navigator.user, accept_url=ACCEPT_URL)

    results = race(*[invite for _n in range(3)])
    assert all(isinstance(r, NavigatorInvitation) for r in results), results
    statuses = sorted(NavigatorInvitation.objects.filter(user=new_navigator.user).values_list("status", flat=True))
    assert statuses == ["cancelled", "cancelled", "pending"]
