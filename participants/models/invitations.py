"""Invitations sent by email as a link: a parent named by a student, a navigator imported by the coordinator."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Guardian, Student


class GuardianInvitation(models.Model):
    """A parent named by a student at sign-up (seed 002), invited by email to confirm the link.

    A `Guardianship` exists only once the parent has confirmed: every page and rule that follows a parent's children
    (booking, consents, results) reads `Guardianship`, so a pending or refused invitation grants nothing by
    construction. The link is a secret sent by email; only its SHA-256 is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the parent's answer")
        ACCEPTED = "accepted", _("confirmed by the parent")
        REFUSED = "refused", _("refused by the parent")
        CANCELLED = "cancelled", _("replaced by another invitation")

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="guardian_invitations"
    )
    email = models.EmailField(_("parent's email"))
    last_name = models.CharField(_("parent's last name"), max_length=150)
    first_name = models.CharField(_("parent's first name"), max_length=150)
    middle_name = models.CharField(_("parent's patronymic"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(_("link digest"), max_length=64, blank=True, db_index=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
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

    @staticmethod
    def digest(token: str) -> str:
        """What is stored of an emailed link's secret."""
        return hashlib.sha256(token.encode()).hexdigest()

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class NavigatorInvitation(models.Model):
    """The email link by which an imported navigator sets a password and activates the account (issue 14 §2)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="navigator_invitations"
    )
    # Only a hash of the link's secret is stored: a leaked table grants no account.
    token_hash = models.CharField(_("link secret (hash)"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced by a new link at"), null=True, blank=True)

    class Meta:
        verbose_name = _("navigator invitation")
        verbose_name_plural = _("navigator invitations")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["user", "sent_at"], name="invitation_user_sent_idx")]

    def __str__(self):
        return f"{self.user} — {self.sent_at:%d.%m.%Y}"
