"""Curators' requests to a region's coordinators and their threads (seed 000 §3.3, §6.1)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import Region


class CuratorRequest(models.Model):
    """A curator's request to a region's coordinators (seed 000 §3.3, §6.1), answered by a date in working days.

    «Overdue» is not stored: it is an open or returned request whose date has passed (`is_overdue`), so it never
    goes stale."""

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting an answer")
        ANSWERED = "answered", _("answered")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for another answer")

    AWAITING = (Status.OPEN, Status.RETURNED)

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="requests")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("curator"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300)
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    # The working day before the date, coordinators get one reminder; set when it is sent (at most once).
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("curator's request")
        verbose_name_plural = _("curators' requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "status", "due_on"], name="request_region_status_idx")]

    def __str__(self):
        return self.subject

    def is_overdue(self, today) -> bool:
        return self.status in self.AWAITING and self.due_on < today


class RequestMessage(models.Model):
    """One entry of a request's thread: the request itself, an answer, an acceptance or a return with a comment."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("request")
        ANSWER = "answer", _("answer")
        ACCEPTANCE = "acceptance", _("accepted")
        RETURN = "return", _("returned")

    request = models.ForeignKey(
        CuratorRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


class RequestAttachment(models.Model):
    message = models.ForeignKey(
        RequestMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="requests/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name
