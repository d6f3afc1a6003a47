"""What the parents' and the navigators' invitations share (issue 14 §1–2): issuing a link, replacing the pending
invitation, answering once, and the address a followed link proves. The two flows (`registration`, `navigators`)
say who is invited, what accepting grants and, in their own words, why a link no longer works."""

import datetime as dt
import secrets

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from ..models.invitations import EmailedInvitation

Status = EmailedInvitation.Status


def invitation_link_issue(*, invitation: EmailedInvitation, days: int) -> str | None:
    """A new link for a pending `invitation`, valid for `days`; an earlier link of it stops working. Returns the
    secret, which is kept nowhere but in the email, or None when the invitation was answered or replaced meanwhile."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    fields = {"token_hash": EmailedInvitation.digest(token), "sent_at": now, "expires_at": now + dt.timedelta(days=days)}
    if not type(invitation).objects.filter(pk=invitation.pk, status=Status.PENDING).update(**fields):
        return None
    for name, value in fields.items():
        setattr(invitation, name, value)
    return token


def invitations_replace_pending(invitations: QuerySet) -> int:
    """Cancel the pending ones of `invitations` (a new invitation takes their place); their links stop working."""
    return invitations.filter(status=Status.PENDING).update(status=Status.CANCELLED, answered_at=timezone.now())


def invitation_answer(*, invitation: EmailedInvitation, status: str, **fields) -> bool:
    """Answer a pending invitation whose link is still valid: `status` (accepted, refused) and `fields` are written by
    compare-and-set, so two tabs or two clicks answer it once. False when it was answered, replaced or expired
    meanwhile; the caller then says why in its own words."""
    now = timezone.now()
    answered = type(invitation).objects.filter(pk=invitation.pk, status=Status.PENDING, expires_at__gt=now).update(
        status=status, answered_at=now, **fields
    )
    if answered:
        invitation.status, invitation.answered_at = status, now
        for name, value in fields.items():
            setattr(invitation, name, value)
    return bool(answered)


def invited_address_verify(*, user, email: str) -> None:
    """The person followed a link sent to `email`: the address is theirs (allauth's verification, done)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
