"""Reading a workbook that passed the table guard (`bilet.uploads.tables`), with openpyxl in read-only mode and never
beyond the guard's limits, whatever the sheet's XML claims: `read_xlsx_table` for a header and its rows (the imports
of students and navigators, the admin's), `read_xlsx_rows` for a sheet laid out like a document (title rows above
the header, merged cells: the regions' roadmaps)."""

import io
from contextlib import contextmanager

import openpyxl
import tablib
from django.conf import settings
from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from .tables import UploadLimits, check_rows


def read_xlsx_table(content: bytes, *, limits: UploadLimits | None = None) -> tablib.Dataset:
    """The active sheet of a workbook that passed `check_table_upload`, as a tablib Dataset (the header first), read
    with openpyxl in read-only mode but never beyond the limits, whatever the sheet's XML claims.

    The guard's scan reads rows and widths as Excel, LibreOffice and openpyxl write them; a sheet crafted past it
    (row numbers or cell references in unusual XML spellings) still yields at most UPLOAD_MAX_ROWS + 1 rows of at
    most UPLOAD_MAX_COLUMNS cells here, and too many rows are refused like the guard refuses them."""
    limits = limits or UploadLimits.from_settings()
    with _active_sheet(content) as sheet:
        rows = _sheet_rows(sheet, limits)
        header = list(next(rows, ()))
        while header and header[-1] is None:
            header.pop()
        dataset = tablib.Dataset(headers=header)
        ignore_blank = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for row in rows:
            values = row[: len(header)]
            if not (ignore_blank and all(value is None for value in values)):
                dataset.append(values)
    check_rows(len(dataset), limits)
    return dataset


def read_xlsx_rows(content: bytes, *, limits: UploadLimits | None = None) -> list[list]:
    """Every row of the active sheet of a workbook that passed `check_table_upload` (title rows above a header
    included), within the same limits as `read_xlsx_table`, with merged cells as a reader of the sheet sees them: a
    value merged down several rows (one «Региональный оператор» beside three items) stands in each of those rows; a
    value merged across columns (a section's heading over the whole row) stays in its first cell. Trailing empty
    cells are dropped."""
    limits = limits or UploadLimits.from_settings()
    with _active_sheet(content) as sheet:
        rows = [list(row) for row in _sheet_rows(sheet, limits)]
        check_rows(len(rows) - 1, limits)
        merged = _merged_ranges(sheet, limit=limits.max_rows + 1)
    for first_column, first_row, _last_column, last_row in merged:
        if first_row > len(rows):
            continue
        top = rows[first_row - 1]
        value = top[first_column - 1] if first_column <= len(top) else None
        for row in rows[first_row:last_row]:
            if first_column <= len(row):
                row[first_column - 1] = value
    for row in rows:
        while row and row[-1] in (None, ""):
            row.pop()
    return rows


@contextmanager
def _active_sheet(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.active
        sheet.reset_dimensions()  # the declared «A1:XFD…» would pad every row
        yield sheet
    finally:
        book.close()


def _sheet_rows(sheet, limits: UploadLimits):
    return sheet.iter_rows(max_row=limits.max_rows + 2, max_col=limits.max_columns, values_only=True)


_MERGE_CELL = f"{{{SHEET_MAIN_NS}}}mergeCell"


def _merged_ranges(sheet, *, limit: int) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only sheet as (first column, first row, last column, last row), at most `limit`.

    openpyxl's read-only sheets skip <mergeCells>, which follows the rows in the sheet's XML; the part is streamed
    again for it alone, through the read-only sheet's own opener (`_get_source`, openpyxl 3.1 as pinned)."""
    ranges = []
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag == _MERGE_CELL:
                try:
                    bounds = range_boundaries(element.get("ref") or "")
                except (TypeError, ValueError):
                    bounds = (None,)
                if None not in bounds and len(ranges) < limit:
                    ranges.append(bounds)
            element.clear()
    return ranges
