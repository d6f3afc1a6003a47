"""Writes of the reports app that carry a rule (SPEC §7): asking for a report (`report_requests.py`), building it
(`builds.py`), and its way to the operator — the curator's deadlines, the coordinator's sending, the curator's
acceptance or return (`submissions.py`).

Rules live here, views and tasks call them. No service imports a task: the caller enqueues the build
(`reports.tasks.report_enqueue`) with the task id the service wrote on the report.
"""

from .builds import MAX_BUILD_ATTEMPTS, STAGE_LABELS, report_build, report_fail
from .report_requests import (
    STALE_AFTER,
    ReportError,
    first_of_month,
    last_of_month,
    previous_month,
    report_monthly_schedule,
    report_request,
)
from .submissions import report_accept, report_deadline_set, report_return, report_send

__all__ = [
    "MAX_BUILD_ATTEMPTS",
    "STAGE_LABELS",
    "STALE_AFTER",
    "ReportError",
    "first_of_month",
    "last_of_month",
    "previous_month",
    "report_accept",
    "report_build",
    "report_deadline_set",
    "report_fail",
    "report_monthly_schedule",
    "report_request",
    "report_return",
    "report_send",
]
