"""Building a report: its figures, PDF and XLSX stored with their size and SHA-256, the progress the page shows, and
a failure recorded with its reason."""

from __future__ import annotations

import hashlib
import time
from typing import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Report, ReportType

Progress = Callable[[str, int], None]

# Retries (at most 5) and redeliveries after a worker died: a build tried this often is given up.
MAX_BUILD_ATTEMPTS = 10


def _default_renderer():
    from ..building import render_report  # the figures' side of issue 13: one computation for every output

    return render_report


# The renderer's stages (reports.building.render_report) as the progress bar names them.
STAGE_LABELS = {
    "figures": _("computing the figures"),
    "pdf": _("writing the PDF"),
    "xlsx": _("writing the XLSX"),
}


def _set_progress(report_id: int, stage: str, percent: int) -> None:
    # Outside any transaction and by UPDATE: the page that polls sees each stage as soon as it is written. 100 % is
    # the report's once its files are stored.
    label = str(STAGE_LABELS.get(stage, stage))[:100]
    Report.objects.filter(pk=report_id).update(progress_stage=label, progress_percent=max(0, min(percent, 99)))
    delay = getattr(settings, "REPORTS_TEST_STEP_DELAY", 0)
    if delay:  # test settings only: slows a build so that a test can watch it, or kill its worker, midway
        time.sleep(delay)


def _clear_folder(folder: str) -> None:
    """Delete whatever an earlier build of this report left in its folder (a rebuild, or a worker killed after
    saving a file but before recording it): one file of each kind remains after any number of builds."""
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")


def _store(report: Report, field: str, stem: str, content: bytes) -> None:
    file_field = getattr(report, field)
    file_field.save(f"{stem}.{field}", ContentFile(content), save=False)
    setattr(report, f"{field}_size", len(content))
    setattr(report, f"{field}_sha256", hashlib.sha256(content).hexdigest())


def report_build(*, report_id: int, progress: Progress | None = None, renderer=None) -> Report:
    """Build the report: its figures, PDF and XLSX, stored in the default storage with their size and SHA-256.

    Idempotent: building one report again replaces its files (one PDF and one XLSX remain). Parameters the
    renderer refuses (ValueError) fail the report for good with the renderer's reason; errors of the database or
    the storage propagate for the task to retry."""
    render = renderer or _default_renderer()
    report = Report.objects.select_related("region", "campaign", "author").get(pk=report_id)
    if report.state == Report.State.READY and report.submissions.exists():
        # Sent to the curator: what was sent never changes (a rebuild makes a new build). A late duplicate of its
        # build message is a no-op.
        return report
    if report.attempts >= MAX_BUILD_ATTEMPTS:
        # A build that kills its worker (out of memory) comes back after each death (reject_on_worker_lost): stop.
        return report_fail(report_id=report_id, reason=gettext("The build was interrupted too many times."))
    now = timezone.now()
    Report.objects.filter(pk=report_id).update(
        state=Report.State.RUNNING, started_at=now, finished_at=None, failure_reason="",
        progress_stage=gettext("started"), progress_percent=0, attempts=report.attempts + 1,
    )

    def on_progress(stage: str, percent: int) -> None:
        _set_progress(report_id, stage, percent)
        if progress is not None:
            progress(stage, percent)

    author = (report.author.get_full_name() or report.author.email) if report.author else gettext("on schedule")
    try:
        rendered = render(
            report_type=report.report_type, campaign=report.campaign, region=report.region, period=report.period,
            regions=report.regions.all() if report.report_type == ReportType.NATIONAL else None,
            author=author, progress=on_progress,
        )
    except ValueError as exc:
        return report_fail(report_id=report_id, reason=str(exc))

    on_progress(gettext("saving the files"), 99)
    _clear_folder(report.storage_folder)
    _store(report, "pdf", rendered.filename_stem, rendered.pdf)
    _store(report, "xlsx", rendered.filename_stem, rendered.xlsx)
    report.figures = rendered.figures
    report.period_figures = rendered.period_figures
    report.state = Report.State.READY
    report.progress_stage = gettext("done")
    report.progress_percent = 100
    report.finished_at = timezone.now()
    report.save(update_fields=[
        "pdf", "pdf_size", "pdf_sha256", "xlsx", "xlsx_size", "xlsx_sha256", "figures", "period_figures",
        "state", "progress_stage", "progress_percent", "finished_at",
    ])  # fmt: skip
    return report


def report_fail(*, report_id: int, reason: str) -> Report:
    """The build failed for good: the report says so, with the reason, on its page."""
    Report.objects.filter(pk=report_id).update(
        state=Report.State.FAILED, failure_reason=reason[:2000], finished_at=timezone.now()
    )
    return Report.objects.get(pk=report_id)
