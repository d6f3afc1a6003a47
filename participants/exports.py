"""Students' personal data as XLSX or CSV, row by row, so a region of 11,000 students never sits in memory twice."""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bilet.exports import safe_row

CHUNK = 2000


def _headers() -> list[str]:
    return [
        _("Last name"), _("First name"), _("Patronymic"), _("Birth date"), _("Grade"), _("School"),
        _("Municipality"), _("Region"), _("Disability group"), _("Personal data consent"),
        _("Paper original received"), _("Diagnostic stages completed"),
    ]


def _consent_label(student) -> str:
    if student.consent_active:
        return _("in force")
    if student.consent_withdrawn:
        return _("withdrawn")
    return _("never given")


def student_export_rows(queryset) -> Iterator[list]:
    """One list of cells per student of `queryset` (a `student_rows` queryset, already scoped and filtered); the
    writers below make every cell safe for a spreadsheet."""
    for s in queryset.iterator(chunk_size=CHUNK):
        yield [
            s.last_name, s.first_name, s.middle_name, s.birth_date, s.grade_label,
            s.school.short_name, s.municipality.name, s.region.name,
            str(s.nosology) if s.nosology_id else "", _consent_label(s), _("yes") if s.paper_received else _("no"),
            s.diagnostics_count,
        ]


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    """CSV for Excel with Russian settings: UTF-8 with a BOM, `;` between fields, dates as ДД.ММ.ГГГГ."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(_headers())
    for row in map(safe_row, rows):
        yield writer.writerow([cell.strftime("%d.%m.%Y") if hasattr(cell, "strftime") else cell for cell in row])


def xlsx_file(rows: Iterable[list], *, title: str):
    """An XLSX workbook written in openpyxl's write-only mode to a temporary file (rewound, ready to send)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header = []
    for text in _headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in map(safe_row, rows):
        birth = WriteOnlyCell(sheet, value=row[3])
        birth.number_format = "DD.MM.YYYY"
        sheet.append(row[:3] + [birth] + row[4:])
    target = tempfile.TemporaryFile()
    workbook.save(target)
    target.seek(0)
    return target
