"""A report's XLSX: one sheet per section, each with a frozen bold header, an autofilter, number formats and column
widths — written in openpyxl's write-only mode, row by row, so a region's long lists never sit in memory as cells."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bilet.exports import safe_cell

INTEGER = "#,##0"
PERCENT = "0.0%"
DATE = "DD.MM.YYYY"

@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    number_format: str | None = None  # INTEGER, PERCENT, DATE; text when None


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[list]


def _cell_value(value):
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if value is not None and not isinstance(value, (int, float, Decimal, dt.date, dt.datetime)):
        return safe_cell(str(value))
    return value


def _style(ws, number_format: str):
    cell = WriteOnlyCell(ws)
    cell.number_format = number_format
    return cell._style


def write_sheet(workbook: Workbook, sheet: Sheet) -> int:
    """Append one sheet; returns the number of data rows written."""
    ws = workbook.create_sheet(title=sheet.title[:31])
    for i, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    ws.append(header)
    # A column's number format as a style, made once: setting `number_format` on each cell looks it up in the
    # workbook's style tables every time, which cost half the writer's speed on a long sheet.
    styles = [_style(ws, c.number_format) if c.number_format else None for c in sheet.columns]
    count = 0
    for row in sheet.rows:
        cells = []
        for value, style in zip(row, styles, strict=False):
            value = _cell_value(value)
            if style is not None and value is not None and not isinstance(value, str):
                cell = WriteOnlyCell(ws, value=value)
                cell._style = copy(style)
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
        count += 1
    last = get_column_letter(len(sheet.columns))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    return count


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
