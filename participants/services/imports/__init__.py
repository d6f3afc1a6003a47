"""The portal's imports of students, navigators and venues (issue 14 §3): check every row, then write all or nothing.

The columns and the cell readers are the admin's resources' (`participants.resources`, `venues.resources`): one file
shape for both. import-export's row-by-row import costs ~2 ms a row (a query per key cell), and its bulk mode cannot
tie an error to its row, so the portal checks a file itself in one pass with set-based lookups — the schools of the
file's regions in one query, existing students and accounts in one query per chunk — and then writes with
`bulk_create` in chunks inside one transaction. Nothing is saved unless every row is clean.

- `tables`: the uploaded file read as a header and rows; the rows kept as CSV between the preview and the import;
- `checking`: what every check shares (columns, cells, the pass over the rows, row errors, accounts of emails);
- `scope`: whom the importer may create records for, and the regions, municipalities and schools a file names;
- `kinds`: the registry of import kinds (students and navigators here, venues from the `venues` app);
- `students`, `navigators`: each kind's checks, writes and template.
"""

from django.utils.translation import gettext_lazy as _

from ...selectors import registering_schools
from .checking import CheckResult, ImportError_, RowError
from .kinds import ImportKind, import_kind, may_import, register
from .navigators import check_navigators, navigator_template, navigators_import
from .students import (
    StudentImportRefused,
    check_students,
    school_year_start,
    student_register,
    student_template,
    students_import,
)
from .tables import read_table, rows_as_csv
from .templates import TemplateSpec

__all__ = [
    "CheckResult", "ImportError_", "ImportKind", "RowError", "StudentImportRefused", "TemplateSpec", "import_kind",
    "may_import", "read_table", "register", "rows_as_csv", "school_year_start", "student_register", "student_template",
]

register(ImportKind(
    name="students", title=_("Import of students"), row_hint=_("and fill in one row per person; keep the header row."),
    allowed=lambda r: r.operator or bool(r.coordinator_region_ids or r.navigator_school_ids),
    check=check_students, create=students_import,
    template=lambda *, user: student_template(school=registering_schools(user=user).first()),
    list_url_name="participants:student_list", list_label=_("Open the list of students"),
))
register(ImportKind(
    name="navigators", title=_("Import of navigators"),
    row_hint=_("and fill in one row per person; keep the header row."),
    allowed=lambda r: r.operator or bool(r.coordinator_region_ids),
    check=check_navigators, create=navigators_import,
    template=lambda *, user: navigator_template(school=registering_schools(user=user).first()),
    list_url_name="participants:navigator_list", list_label=_("Open the list of navigators"),
))
