"""A checked workbook whose sheet is laid out like a document rather than a table (a region's roadmap, seeds 001 and
004): title rows above the header, merged cells. Read by openpyxl held to the guard's limits (`reading`); calamine
gives no merged ranges."""

from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from .reading import openpyxl_sheet, openpyxl_sheet_rows
from .tables import UploadLimits, check_rows

_MERGE_CELL = f"{{{SHEET_MAIN_NS}}}mergeCell"


def read_xlsx_document(content: bytes, *, limits: UploadLimits | None = None) -> list[list]:
    """Every row of the active sheet, title rows included, with merged cells as a reader of the sheet sees them: a
    value merged down several rows (one «Региональный оператор» beside three items) stands in each of those rows; a
    value merged across columns (a section's heading over the whole row) stays in its first cell. Trailing empty
    cells are dropped; too many rows are refused like the guard refuses them."""
    limits = limits or UploadLimits.from_settings()
    with openpyxl_sheet(content) as sheet:
        rows = [list(row) for row in openpyxl_sheet_rows(sheet, limits)]
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
