"""What the parents' and the navigators' invitations share (participants.services.invitations): the same rules hold
for both kinds, so each test runs on both."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from participants.models import GuardianInvitation, NavigatorInvitation
from participants.services.invitations import (
    invitation_answer,
    invitation_link_issue,
    invitations_replace_pending,
    invited_address_verify,
)
from participants.tests.factories import StudentFactory
from regions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _guardian_invitation(**extra):
    return GuardianInvitation.objects.create(
        student=extra.pop("student", None) or StudentFactory(), email="mama@test.example", last_name="Иванова",
        first_name="Мария", **extra,
    )


def _navigator_invitation(**extra):
    return NavigatorInvitation.objects.create(user=extra.pop("user", None) or UserFactory(), **extra)


KINDS = {"guardian": _guardian_invitation, "navigator": _navigator_invitation}


@pytest.fixture(params=KINDS)
def make(request):
    return KINDS[request.param]


def test_a_link_is_kept_as_its_digest_and_a_new_one_replaces_it(make):
    invitation = make()
    first = invitation_link_issue(invitation=invitation, days=7)
    assert invitation.token_hash == type(invitation).digest(first) and first not in invitation.token_hash
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)
    second = invitation_link_issue(invitation=invitation, days=7)
    manager = type(invitation).objects
    assert manager.with_token(second).get() == invitation
    assert not manager.with_token(first).exists()
    assert not manager.with_token("").exists() and not manager.with_token("x" * 101).exists()


def test_an_answered_invitation_gets_no_new_link(make):
    invitation = make()
    invitation_link_issue(invitation=invitation, days=7)
    assert invitation_answer(invitation=invitation, status="accepted")
    assert invitation_link_issue(invitation=invitation, days=7) is None


def test_an_invitation_is_answered_once_and_never_after_its_link_expired(make):
    invitation = make()
    assert not invitation_answer(invitation=invitation, status="accepted"), "no link sent yet"
    invitation_link_issue(invitation=invitation, days=7)
    stale = type(invitation).objects.get(pk=invitation.pk)
    assert invitation_answer(invitation=invitation, status="accepted")
    # A second tab holding the same pending row answers nothing.
    assert not invitation_answer(invitation=stale, status="accepted")
    assert type(invitation).objects.get(pk=invitation.pk).status == "accepted"

    expired = make(**({"student": invitation.student} if hasattr(invitation, "student") else {"user": invitation.user}))
    invitation_link_issue(invitation=expired, days=7)
    type(expired).objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    expired.refresh_from_db()
    assert not expired.can_be_answered()
    assert not invitation_answer(invitation=expired, status="accepted")
    assert type(expired).objects.get(pk=expired.pk).status == "pending"


def test_one_pending_invitation_at_a_time(make):
    invitation = make()
    owner = {"student": invitation.student} if hasattr(invitation, "student") else {"user": invitation.user}
    with pytest.raises(IntegrityError), transaction.atomic():
        make(**owner)
    assert invitations_replace_pending(type(invitation).objects.filter(pk=invitation.pk)) == 1
    invitation.refresh_from_db()
    assert invitation.status == "cancelled" and invitation.answered_at is not None
    make(**owner)


def test_following_a_link_verifies_the_address_without_taking_the_primary_one():
    user = UserFactory(email="parent@test.example")
    invited_address_verify(user=user, email="parent@test.example")
    assert EmailAddress.objects.get(user=user).verified and EmailAddress.objects.get(user=user).primary
    invited_address_verify(user=user, email="Second@test.example")
    second = EmailAddress.objects.get(user=user, email="Second@test.example")
    assert second.verified and not second.primary
    EmailAddress.objects.filter(pk=second.pk).update(verified=False)
    invited_address_verify(user=user, email="second@test.example")
    assert EmailAddress.objects.get(pk=second.pk).verified and EmailAddress.objects.filter(user=user).count() == 2
