"""Invitations sent by email as a link (issue 14 §1–2): a parent named by a student, a navigator imported by the
coordinator. Both are an `EmailedInvitation`: what differs is who is invited and what accepting grants."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .people import Guardian, Student

# A link's secret is `secrets.token_urlsafe(32)` (43 characters); anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 100


class InvitationQuerySet(models.QuerySet):
    def with_token(self, token: str) -> "InvitationQuerySet":
        """The invitation an emailed link's secret opens, whatever its state (nothing for an empty or overlong one)."""
        if not token or len(token) > TOKEN_MAX_LENGTH:
            return self.none()
        return self.filter(token_hash=EmailedInvitation.digest(token))

    def pending(self) -> "InvitationQuerySet":
        return self.filter(status=EmailedInvitation.Status.PENDING)


class EmailedInvitation(models.Model):
    """An invitation sent by email as a link that expires, answered once.

    The link is a random secret of which only the SHA-256 is kept, so a copy of the database opens nobody's
    invitation. Sending the invitation again gives it a new secret, so only the latest email's link works. The
    answer moves `status` away from pending by compare-and-set (`services.invitations`): two tabs answer it once."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation status", "awaiting an answer")
        ACCEPTED = "accepted", pgettext_lazy("invitation status", "accepted")
        REFUSED = "refused", pgettext_lazy("invitation status", "refused")
        CANCELLED = "cancelled", pgettext_lazy("invitation status", "replaced by a newer invitation")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(_("link digest"), max_length=64, blank=True, db_index=True, editable=False)
    # Empty until the email with the link has been sent.
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        abstract = True

    @staticmethod
    def digest(token: str) -> str:
        """What is stored of an emailed link's secret."""
        return hashlib.sha256(token.encode()).hexdigest()

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def can_be_answered(self, now=None) -> bool:
        """Pending, and its link has been sent and has not expired."""
        return self.status == self.Status.PENDING and self.expires_at is not None and not self.is_expired(now)


class GuardianInvitation(EmailedInvitation):
    """A parent named by a student at sign-up (seed 002), invited by email to confirm the link.

    A `Guardianship` exists only once the parent has confirmed: every page and rule that follows a parent's children
    (booking, consents, results) reads `Guardianship`, so a pending or refused invitation grants nothing by
    construction."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="guardian_invitations"
    )
    email = models.EmailField(_("parent's email"))
    last_name = models.CharField(_("parent's last name"), max_length=150)
    first_name = models.CharField(_("parent's first name"), max_length=150)
    middle_name = models.CharField(_("parent's patronymic"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    guardian = models.ForeignKey(
        Guardian, verbose_name=_("parent"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="invitations", help_text=_("The parent who answered."),
    )

    class Meta:
        verbose_name = _("parent invitation")
        verbose_name_plural = _("parent invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A student waits for one parent's answer at a time; naming another replaces the pending invitation.
            models.UniqueConstraint(
                fields=["student"], condition=Q(status="pending"), name="guardian_invitation_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["email", "status"], name="guardian_invitation_email_idx")]

    def __str__(self):
        return f"{self.email} → {self.student}"

    @property
    def guardian_full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class NavigatorInvitation(EmailedInvitation):
    """The email link by which an imported navigator sets a password and activates the account (issue 14 §2).

    Each sending is a row of its own, the earlier pending one replaced (`cancelled`): an old link then says that a
    newer email was sent. Navigators do not refuse: an invitation is accepted, replaced or left to expire."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="navigator_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("navigator invitation")
        verbose_name_plural = _("navigator invitations")
        ordering = ["-sent_at"]
        constraints = [
            # One link in force per account: sending again replaces the pending invitation.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="navigator_invitation_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["user", "sent_at"], name="invitation_user_sent_idx")]

    def __str__(self):
        sent = f"{self.sent_at:%d.%m.%Y}" if self.sent_at else "—"
        return f"{self.user} — {sent}"
