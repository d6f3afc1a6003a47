"""Stored reports (issue 13 §3–6): one row per build, its PDF and XLSX in the default storage, and the monthly
report's way to the operator — the curator's deadline, the coordinator's sending, the curator's acceptance."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy


class ReportType(models.TextChoices):
    MONTHLY = "monthly", _("monthly regional report")
    CAMPAIGN = "campaign", _("campaign report of a region")
    NATIONAL = "national", _("national summary")
    MONITORING = "monitoring", _("monitoring indicators")


# Types of one region (the others — the national summary — put every region side by side).
REGIONAL_TYPES = frozenset({ReportType.MONTHLY, ReportType.CAMPAIGN, ReportType.MONITORING})
# Their XLSX lists students and mentors by name: a download is written to the personal-data log (152-ФЗ).
PERSONAL_DATA_TYPES = frozenset({ReportType.MONTHLY, ReportType.CAMPAIGN})


def parameters_key(*, report_type: str, region_id: int | None, campaign_id: int, period: dt.date | None,
                   summary_region_ids: Iterable[int] | None = None) -> str:
    """One string per set of parameters: the same report asked for twice has the same key. A summary's key names its
    set of regions (a digest: a curator's regions and another curator's are two reports)."""
    parts = [report_type, str(region_id or "-"), str(campaign_id), period.isoformat() if period else "-"]
    if summary_region_ids is not None:
        ids = ",".join(str(pk) for pk in sorted(set(summary_region_ids)))
        parts.append("r" + hashlib.sha256(ids.encode()).hexdigest()[:24])
    return ":".join(parts)


# A summary of up to this many regions is labelled with their names (a curator's few), a larger one with their number.
SUMMARY_NAMES_SHOWN = 3


def new_file_secret() -> str:
    return secrets.token_urlsafe(24)


def report_upload_to(instance: "Report", filename: str) -> str:
    # A secret of its own per report: a path that cannot be guessed from another, and one folder that holds this
    # report's files only, so a rebuild can clear it whole (including a file left by a worker killed mid-save).
    return f"{instance.storage_folder}/{filename}"


class Report(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    report_type = models.CharField(_("report type"), max_length=20, choices=ReportType.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="reports",
        null=True, blank=True,
    )
    # The regions a national summary puts side by side: every region for operator staff, a curator's own regions for
    # a curator. The build counts these only, and only a reader who may see each of them reaches it (selectors).
    regions = models.ManyToManyField(
        "regions.Region", verbose_name=_("regions of the summary"), blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        "regions.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.DateField(_("period (first day of the month)"), null=True, blank=True)
    parameters_key = models.CharField(_("parameters"), max_length=100, editable=False)
    # A rebuild keeps the older build in the history; exactly one build per set of parameters is the current one.
    is_current = models.BooleanField(_("current"), default=True)

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    failure_reason = models.TextField(_("reason of failure"), blank=True)
    progress_stage = models.CharField(_("stage"), max_length=100, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("per cent done"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    celery_task_id = models.CharField(_("Celery task"), max_length=50, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    file_secret = models.CharField(max_length=40, default=new_file_secret, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, max_length=255, blank=True)
    pdf_size = models.PositiveBigIntegerField(_("PDF size, bytes"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to=report_upload_to, max_length=255, blank=True)
    xlsx_size = models.PositiveBigIntegerField(_("XLSX size, bytes"), null=True, blank=True)
    xlsx_sha256 = models.CharField(_("XLSX SHA-256"), max_length=64, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    period_figures = models.JSONField(_("figures within the period"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["parameters_key"], condition=Q(is_current=True), name="report_current_unique"),
            models.CheckConstraint(condition=Q(progress_percent__lte=100), name="report_progress_percent_max"),
        ]
        indexes = [models.Index(fields=["region", "-created_at"], name="report_region_created_idx")]

    def __str__(self):
        return f"{self.get_report_type_display()} · {self.parameters_label}"

    @property
    def storage_folder(self) -> str:
        return f"reports/{self.file_secret}"

    @property
    def regions_label(self) -> str:
        """Whose figures a summary shows: its regions by name, or how many when they are many."""
        names = sorted(region.name for region in self.regions.all())  # prefetched by the lists
        if len(names) <= SUMMARY_NAMES_SHOWN:
            return ", ".join(names)
        return ngettext("%(count)s region", "%(count)s regions", len(names)) % {"count": len(names)}

    @property
    def parameters_label(self) -> str:
        parts = [self.region.name if self.region_id else self.regions_label, str(self.campaign)]
        if self.period:
            parts.append(f"{self.period:%m.%Y}")
        return ", ".join(parts)

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)

    @property
    def total_size(self) -> int:
        return (self.pdf_size or 0) + (self.xlsx_size or 0)


class ReportDeadline(models.Model):
    """The date by which a region's monthly report is due, set by the region's curator (seed 000 §6.2)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="report_deadlines"
    )
    period = models.DateField(_("month of the report"))
    due_on = models.DateField(_("due on"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly report deadline")
        verbose_name_plural = _("monthly report deadlines")
        ordering = ["-period", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "period"], name="report_deadline_region_period_unique"),
            models.CheckConstraint(condition=Q(period__day=1), name="report_deadline_period_first_day"),
        ]

    def __str__(self):
        return f"{self.region} · {self.period:%m.%Y} → {self.due_on:%d.%m.%Y}"


class ReportSubmission(models.Model):
    """Where a region's report of one set of parameters stands with the operator: sent, accepted or returned.

    One row per set of parameters (not per build): a returned report is rebuilt and sent again, and its history —
    the events below — stays in one place."""

    class State(models.TextChoices):
        NOT_SENT = "not_sent", _("not sent")
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")
        # Not stored: a deadline passed and the report is neither sent nor accepted (see selectors).
        OVERDUE = "overdue", _("overdue")

    parameters_key = models.CharField(_("parameters"), max_length=100, unique=True)
    report_type = models.CharField(_("report type"), max_length=20, choices=ReportType.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="report_submissions"
    )
    campaign = models.ForeignKey("regions.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("period (first day of the month)"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NOT_SENT)
    report = models.ForeignKey(
        Report, verbose_name=_("report sent"), on_delete=models.PROTECT, related_name="submissions"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="overdue"), name="report_submission_overdue_not_stored"
            ),
        ]

    def __str__(self):
        return f"{self.report} — {self.get_state_display()}"


class ReportSubmissionEvent(models.Model):
    class Action(models.TextChoices):
        SENT = "sent", _("sent to the curator")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", pgettext_lazy("report", "returned for changes")

    submission = models.ForeignKey(
        ReportSubmission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="events"
    )
    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("report submission event")
        verbose_name_plural = _("report submission history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
