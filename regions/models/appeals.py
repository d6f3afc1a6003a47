"""Citizens' appeals to the region (seed 000 §6.3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .places import Region


class Appeal(models.Model):
    """A citizen's question or complaint (seed 000 §6.3), answered by a deadline (59-ФЗ art. 12: 30 days)."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        POST = "post", _("letter")
        PHONE = "phone", _("phone call")
        IN_PERSON = "in_person", pgettext_lazy("appeal channel", "in person")
        WEBSITE = "website", _("website form")
        SOCIAL = "social", _("social network")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="appeals")
    author_name = models.CharField(_("applicant"), max_length=200)
    author_email = models.EmailField(_("applicant's email"), blank=True)
    author_phone = models.CharField(_("applicant's phone"), max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("appeal text"))
    received_at = models.DateTimeField(_("received at"))
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("citizen appeal")
        verbose_name_plural = _("citizen appeals")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["region", "status", "due_on"], name="appeal_region_status_idx")]

    def __str__(self):
        return self.subject
