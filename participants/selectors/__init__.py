"""Reads of the participants app scoped to the acting user (SPEC §2), one module per subject.

`scope` holds who sees which students; the other modules build on it. Every public selector is named here too, so
`from participants.selectors import student_list` works wherever it is used."""

from .consents import (
    CoverageRow,
    consent_coverage,
    consent_form_students,
    consent_in_force,
    consent_paper_students,
    destruction_act_list,
    guardian_children,
)
from .data_log import LogLine, child_data_log
from .diagnostics import (
    StageState,
    diagnostic_progress,
    diagnostic_published_versions,
    diagnostic_result_student_get,
    diagnostic_result_students,
    diagnostic_results_of,
    diagnostic_stage_questions,
    diagnostic_students,
)
from .family import (
    guardian_children_links,
    guardian_invitation_answerable,
    guardian_invitation_from_token,
    guardian_pending_invitations,
    invitation_account,
    student_guardian_links,
    student_invitation_get,
)
from .registration import import_job_list, invitable_navigators, navigator_invitation_state, registering_schools
from .scope import (
    bookable_students,
    children_of,
    consent_list,
    family_q,
    guardian_list,
    navigator_list,
    student_can_be_seen,
    student_list,
    student_scope,
)

__all__ = [
    "CoverageRow",
    "LogLine",
    "StageState",
    "bookable_students",
    "child_data_log",
    "children_of",
    "consent_coverage",
    "consent_form_students",
    "consent_in_force",
    "consent_list",
    "consent_paper_students",
    "destruction_act_list",
    "diagnostic_progress",
    "diagnostic_published_versions",
    "diagnostic_result_student_get",
    "diagnostic_result_students",
    "diagnostic_results_of",
    "diagnostic_stage_questions",
    "diagnostic_students",
    "family_q",
    "guardian_children",
    "guardian_children_links",
    "guardian_invitation_answerable",
    "guardian_invitation_from_token",
    "guardian_list",
    "guardian_pending_invitations",
    "import_job_list",
    "invitable_navigators",
    "invitation_account",
    "navigator_invitation_state",
    "navigator_list",
    "registering_schools",
    "student_can_be_seen",
    "student_guardian_links",
    "student_invitation_get",
    "student_list",
    "student_scope",
]
