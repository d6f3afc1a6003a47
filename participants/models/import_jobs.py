"""Uploaded tables of students, navigators or venues and their check and import (issue 14 §3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded table of students, navigators or venues: checked (preview), then imported once the user confirms.

    The file stays in the default storage so that a Celery worker on another machine reads the same bytes."""

    class Kind(models.TextChoices):
        STUDENTS = "students", _("students")
        NAVIGATORS = "navigators", _("navigators")
        VENUES = "venues", _("venues")

    class State(models.TextChoices):
        CHECKING = "checking", _("checking the file")
        INVALID = "invalid", _("the file has errors")
        VALID = "valid", _("checked, waiting for confirmation")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.CHECKING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    # The rows as the check read them, saved as UTF-8 CSV: the import after the confirmation reads this instead of
    # parsing the workbook a second time (reading CSV is far cheaper than reading XLSX; figures in benchmarks/RESULTS.md).
    rows_file = models.FileField(_("rows as read"), upload_to="imports/%Y/%m/", blank=True)
    table_kind = models.CharField(_("format"), max_length=4)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    # [{"row": n, "messages": ["…"]}] — the rows of the preview that block the import, in file order.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    is_async = models.BooleanField(_("in the background"), default=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="importjob_user_created_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def upload_url_name(self) -> str:
        return f"participants:import_{self.kind}"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.is_running else 100
        return min(100, self.processed_rows * 100 // self.total_rows)
