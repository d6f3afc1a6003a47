"""An uploaded table's life: uploaded → checked (every row's errors, nothing saved) → confirmed → imported.

A file of more than IMPORT_ASYNC_ROWS rows is checked and imported by a Celery job, never inside the web request; the
job row carries the state and the progress the page polls. The view enqueues the job after the commit
(`participants.tasks`), as a service never imports a task."""

import os
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from bilet.uploads import CSV

from ..models import ImportJob
from . import imports

# The page lists this many rows with errors; the count says how many there are in all.
ERRORS_SHOWN = 500
PROGRESS_EVERY_SECONDS = 0.5
State = ImportJob.State


class ImportJobError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def import_job_create(*, actor, kind: str, upload) -> ImportJob:
    """Keep the uploaded file (it passed `bilet.uploads.TableFileField`) and open its job."""
    rows = getattr(upload, "table_rows", 0) or 0
    name = os.path.basename(upload.name)[:255]
    job = ImportJob(
        kind=kind, created_by=actor, file_name=name, table_kind=upload.table_kind, total_rows=rows,
        is_async=rows > settings.IMPORT_ASYNC_ROWS,
    )
    upload.seek(0)
    job.file.save(name, File(upload), save=False)
    job.save()
    return job


def _progress(job: ImportJob, *, share: int = 100):
    reported_at = time.monotonic()

    def report(rows: int) -> None:
        # The page polls once a second: a progress written more often is a commit (a WAL flush) nobody reads.
        nonlocal reported_at
        now = time.monotonic()
        if now - reported_at >= PROGRESS_EVERY_SECONDS:
            reported_at = now
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=rows * share // 100)

    return report


def _read(job: ImportJob) -> tuple[list[str], list[tuple]]:
    if job.rows_file:
        with job.rows_file.open("rb") as stored:
            return imports.read_table(stored, CSV)
    with job.file.open("rb") as stored:
        header, rows = imports.read_table(stored, job.table_kind)
    if job.table_kind != CSV:
        job.rows_file.save(f"{os.path.splitext(job.file_name)[0]}-rows.csv", imports.rows_as_csv(header, rows), save=False)
        job.save(update_fields=["rows_file"])
    return header, rows


def _check(job: ImportJob, *, share: int) -> imports.CheckResult | None:
    """The check of the job's file; a file that cannot be read fails the job with its reason."""
    try:
        header, rows = _read(job)
        if job.total_rows != len(rows):
            job.total_rows = len(rows)
            job.save(update_fields=["total_rows"])
        return imports.import_kind(job.kind).check(
            actor=job.created_by, header=header, rows=rows, progress=_progress(job, share=share)
        )
    except imports.ImportError_ as error:
        _finish(job, State.FAILED, message=error.message)
    except ValidationError as error:  # a workbook the guard let through and the reader refused
        _finish(job, State.FAILED, message=" ".join(error.messages))
    return None


def _finish(job: ImportJob, state: str, *, message: str = "", **fields) -> None:
    job.state, job.message, job.finished_at = state, message[:500], timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["state", "message", "finished_at", *fields])


def _record_errors(job: ImportJob, result: imports.CheckResult) -> None:
    _finish(
        job, State.INVALID, errors=[e.as_dict() for e in result.errors[:ERRORS_SHOWN]],
        error_count=len(result.errors), processed_rows=result.total, total_rows=result.total,
    )


def import_job_check(*, job_id: int) -> ImportJob:
    """The preview: every row's errors (state «invalid»), or «valid» with nothing saved yet."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != State.CHECKING:
        return job
    result = _check(job, share=100)
    if result is None:
        return job
    if result.errors:
        _record_errors(job, result)
    else:
        job.state, job.errors, job.error_count = State.VALID, [], 0
        job.processed_rows = job.total_rows = result.total
        job.save(update_fields=["state", "errors", "error_count", "processed_rows", "total_rows"])
    return job


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The user confirms a checked file. Compare-and-set: a double click imports once."""
    if job.created_by_id != actor.pk:
        raise ImportJobError(gettext("Only the person who uploaded the file can confirm it."))
    if not ImportJob.objects.filter(pk=job.pk, state=State.VALID).update(state=State.IMPORTING, processed_rows=0):
        raise ImportJobError(gettext("This file is not waiting for confirmation."))
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int, invitation_url: str = "") -> ImportJob:
    """Import a confirmed file: check it again (the database may have changed since the preview), then write every
    row in one transaction. The check reports progress row by row; the writing is one transaction, whose progress
    no other connection could see, so the bar stands at 90 % until it commits."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != State.IMPORTING:
        return job
    result = _check(job, share=90)
    if result is None:
        return job
    if result.errors:
        _record_errors(job, result)
        return job
    with transaction.atomic():
        created = imports.import_kind(job.kind).create(
            actor=job.created_by, records=result.records, invitation_url=invitation_url
        )
        _finish(job, State.DONE, processed_rows=result.total, created_count=created)
    return job
