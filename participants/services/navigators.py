"""Navigators' accounts: the invitation by email (a link that expires, can be sent again, and sets the password)."""

from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from bilet.celery import send_task

from ..models import Navigator, NavigatorInvitation
from .invitations import invitation_answer, invitation_link_issue, invitations_replace_pending, invited_address_verify

INVITATION_EMAIL_TASK = "participants.tasks.send_navigator_invitation"


class InvitationError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _enqueue_email(*, invitation: NavigatorInvitation, token: str, accept_url: str) -> None:
    # By name: a service never imports a task. The link is built here; the raw secret lives only in the email.
    user = invitation.user
    schools = ", ".join(
        Navigator.objects.filter(user=user).order_by("school__short_name").values_list("school__short_name", flat=True)
    )
    context = {
        "name": user.get_full_name() or user.email,
        "link": accept_url.replace("__token__", token),
        "schools": schools,
        "expires": date_format(timezone.localtime(invitation.expires_at), "j E Y, H:i"),
    }
    transaction.on_commit(partial(send_task, INVITATION_EMAIL_TASK, recipient=user.email, context=context))


def navigator_invite(*, actor, user, accept_url: str) -> NavigatorInvitation:
    """A new link for `user` (the earlier pending one is replaced). `accept_url` holds «__token__» for the secret."""
    if user.has_usable_password():
        raise InvitationError(gettext("%(email)s has already set a password and can sign in.") % {"email": user.email})
    with transaction.atomic():
        # The account's row orders two sendings at once: the second replaces the first's invitation.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        invitations_replace_pending(NavigatorInvitation.objects.filter(user=user))
        invitation = NavigatorInvitation.objects.create(user=user, invited_by=actor)
        token = invitation_link_issue(invitation=invitation, days=settings.NAVIGATOR_INVITATION_DAYS)
        _enqueue_email(invitation=invitation, token=token, accept_url=accept_url)
    return invitation


def navigator_invitations_send(*, actor, user_ids: list[int], accept_url: str) -> int:
    User = get_user_model()
    users = User.objects.filter(pk__in=user_ids)
    for user in users:
        navigator_invite(actor=actor, user=user, accept_url=accept_url)
    return len(user_ids)


def _invitation(token: str) -> NavigatorInvitation | None:
    return NavigatorInvitation.objects.select_related("user").with_token(token).first()


def invitation_for_token(token: str) -> NavigatorInvitation | None:
    """The invitation a link names if it can still be accepted; None for an unknown, used, replaced or expired one."""
    invitation = _invitation(token)
    return invitation if invitation is not None and invitation.can_be_answered() else None


def invitation_refusal(token: str) -> str:
    """Why a link cannot be used, in plain Russian."""
    invitation = _invitation(token)
    if invitation is None:
        return gettext("The link is wrong. Ask your regional coordinator to send the invitation again.")
    if invitation.status == NavigatorInvitation.Status.ACCEPTED:
        return gettext("The invitation has already been accepted: sign in with your email and password.")
    if invitation.status == NavigatorInvitation.Status.CANCELLED:
        return gettext("A newer invitation has been sent to you: use the link of the latest email.")
    return gettext("The invitation expired on %(date)s. Ask your regional coordinator to send it again.") % {
        "date": date_format(timezone.localtime(invitation.expires_at), "j E Y"),
    }


@transaction.atomic
def navigator_invitation_accept(*, token: str, password: str):
    """Set the password and activate the account; the link then stops working."""
    invitation = invitation_for_token(token)
    if invitation is None or not invitation_answer(invitation=invitation, status=NavigatorInvitation.Status.ACCEPTED):
        raise InvitationError(invitation_refusal(token))
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invited_address_verify(user=user, email=user.email)
    return user
