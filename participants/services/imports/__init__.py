"""The portal's imports of students and navigators (issue 14 §3): check every row, then write all or nothing.

The columns and the cell readers are the admin's resources' (`participants.resources`): one file shape for both.
import-export's row-by-row import costs ~2 ms a row (a query per key cell), and its bulk mode cannot tie an error to
its row, so the portal checks a file itself in one pass with set-based lookups — the schools of the file's regions in
one query, existing students and accounts in one query per chunk — and then writes with `bulk_create` in chunks
inside one transaction. Nothing is saved unless every row is clean.

- `tables`: the uploaded file read as a header and rows; the rows kept as CSV between the preview and the import;
- `checking`: what every check shares (columns, cells, row errors, the result, accounts of the rows' emails);
- `scope`: whom the importer may create records for, and the schools a file names;
- `students`, `navigators`: each kind's checks, writes and template.
"""

from regions.models import School

from .checking import CheckResult, ImportError_, RowError
from .navigators import check_navigators, navigator_template, navigators_create
from .students import (
    StudentImportRefused,
    check_students,
    school_year_start,
    student_register,
    student_template,
    students_create,
)
from .tables import read_table, rows_as_csv
from .templates import TemplateSpec

__all__ = [
    "CHECKS", "CheckResult", "ImportError_", "RowError", "StudentImportRefused", "TemplateSpec", "check_navigators",
    "check_students", "navigators_create", "read_table", "rows_as_csv", "school_year_start", "student_register",
    "students_create", "template_spec",
]

CHECKS = {"students": check_students, "navigators": check_navigators}


def template_spec(kind: str, *, school: School | None) -> TemplateSpec:
    """The template's header (the resource's columns) and one example row, filled with the user's school."""
    if kind == "students":
        return student_template(school=school)
    return navigator_template(school=school)
