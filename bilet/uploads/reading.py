"""The rows of a workbook that passed the guard, read by python-calamine when its sheet is proven small enough for
it, by openpyxl (read-only, held to the limits) otherwise.

calamine (Rust) reads a sheet far faster than openpyxl (benchmarks/RESULTS.md), but it builds the whole sheet as one dense grid,
from the first to the last non-empty cell, before the first row reaches Python: a cell at XFD1 and another at A100000
make a grid of 1.6 billion cells whatever the limits say. openpyxl streams and can be stopped at the limits. So a
workbook goes to calamine only when a scan of its XML parts proves the grid's bounds, in calamine's own reading of
them (calamine 0.36, `xlsx/cells_reader.rs`): every cell element starts with its address and has no second one
(`<c r="B7" t="s">`: no cell is placed by counting), no address names a row beyond UPLOAD_MAX_ROWS + 1 or a column
beyond UPLOAD_MAX_COLUMNS (calamine takes lower-case letters too), and rows × columns stays within
_CALAMINE_MAX_CELLS. Anything else — a cell without an address or with two, a character reference in one, a
prefixed cell tag, UTF-16 XML, a chart sheet, a sheet calamine refuses — is read by openpyxl as before. Both readers give openpyxl's values: int for a whole number, float,
datetime for a date, text, bool, None for an empty cell.
"""

import datetime as dt
import io
import itertools
import re
import zipfile
import zlib
from contextlib import contextmanager

import openpyxl
import tablib
from django.conf import settings
from openpyxl.utils import column_index_from_string
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from .tables import UploadLimits, check_rows, not_a_workbook

# The most cells of the dense grid calamine may build (32 bytes each in Rust): 160 MB.
_CALAMINE_MAX_CELLS = 5_000_000
# A cell tag that is not `<c r="B7" …>` with its address first and no other attribute named r (calamine reads the
# last r it meets; a cell without one it places by counting), or a prefixed one (`<x:c`).
_UNPROVEN_CELL = re.compile(
    rb"""<c(?=[\s/>])(?! r=(?:"[^"]*"|'[^']*')(?:\s+(?!r\s*=)[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>)"""
)
_PREFIXED_CELL = re.compile(rb"<[^\s<>/!?:=\"']+:c[\s/>]")
# Addresses of two letters or more (A–Z is at most 26 columns), and of enough digits to pass the row limit.
_WIDE_ADDRESS = re.compile(rb"""<c r=["']([A-Za-z]{2,})[0-9]""")
_LONG_ADDRESS = rb"""<c r=["'][A-Za-z]*([0-9]{%d,})"""
_ACTIVE_TAB = re.compile(rb"""<(?:[^\s<>/!?:=]+:)?workbookView\b[^>]*?\sactiveTab\s*=\s*["']([0-9]{1,5})["']""")


def read_xlsx_rows(content: bytes, *, limits: UploadLimits | None = None) -> tuple[list, list[tuple]]:
    """The active sheet's header (without trailing empty cells) and the rows below it, each cut to the header's width,
    never more than UPLOAD_MAX_ROWS + 1 rows of UPLOAD_MAX_COLUMNS cells whatever the sheet's XML claims; too many
    rows are refused like the guard refuses them."""
    limits = limits or UploadLimits.from_settings()
    rows = None
    sheet_index = _calamine_sheet(content, limits)
    if sheet_index is not None:
        rows = _calamine_rows(content, sheet_index, limits)
    if rows is None:
        rows = _openpyxl_rows(content, limits)
    header = list(next(rows, ()))
    while header and header[-1] is None:
        header.pop()
    width = len(header)
    body = [row[:width] for row in rows]
    check_rows(len(body), limits)
    return header, body


def read_xlsx_table(content: bytes, *, limits: UploadLimits | None = None) -> tablib.Dataset:
    """`read_xlsx_rows` as a tablib Dataset (import-export's admin imports read one)."""
    header, rows = read_xlsx_rows(content, limits=limits)
    dataset = tablib.Dataset(headers=header)
    ignore_blank = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
    for row in rows:
        if not (ignore_blank and all(value is None for value in row)):
            dataset.append(row)
    return dataset


def _openpyxl_rows(content: bytes, limits: UploadLimits):
    with openpyxl_sheet(content) as sheet:
        yield from openpyxl_sheet_rows(sheet, limits)


@contextmanager
def openpyxl_sheet(content: bytes):
    """The active sheet, read-only, its declared dimension forgotten (a declared «A1:XFD…» would pad every row)."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.active
        sheet.reset_dimensions()
        yield sheet
    finally:
        book.close()


def openpyxl_sheet_rows(sheet, limits: UploadLimits):
    return sheet.iter_rows(max_row=limits.max_rows + 2, max_col=limits.max_columns, values_only=True)


def _calamine_sheet(content: bytes, limits: UploadLimits) -> int | None:
    """The index of the active sheet when every XML part proves calamine's grid within the limits, else None."""
    long_address = re.compile(_LONG_ADDRESS % len(str(limits.max_rows + 1)))
    columns = 26
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            active = _ACTIVE_TAB.search(archive.read("xl/workbook.xml"))
            for part in archive.infolist():
                if not part.filename.endswith(".xml"):
                    continue
                data = archive.read(part)
                # UTF-16 XML (calamine decodes it) hides every tag from these byte patterns.
                if b"\x00" in data or _UNPROVEN_CELL.search(data) or (b":c" in data and _PREFIXED_CELL.search(data)):
                    return None
                if any(int(row) > limits.max_rows + 1 for row in long_address.findall(data)):
                    return None
                for letters in set(_WIDE_ADDRESS.findall(data)):
                    if len(letters) > 3:
                        return None
                    columns = max(columns, column_index_from_string(letters.decode().upper()))
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, RuntimeError, NotImplementedError):
        raise not_a_workbook() from None
    if columns > limits.max_columns or (limits.max_rows + 1) * columns > _CALAMINE_MAX_CELLS:
        return None
    return int(active.group(1)) if active else 0


def _calamine_rows(content: bytes, index: int, limits: UploadLimits):
    """The sheet's rows from its first, each from column A and at most `max_columns` wide, or None when calamine
    cannot read the sheet (openpyxl then reads it, or says why not)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        metadata = book.sheets_metadata
        if index >= len(metadata) or metadata[index].typ != SheetTypeEnum.WorkSheet:
            return None
        sheet = book.get_sheet_by_index(index)
    except CalamineError:
        return None
    return _calamine_values(sheet, limits)


def _calamine_values(sheet, limits: UploadLimits):
    # calamine yields rows from the sheet's first but cells from the first non-empty column; an empty cell as "", a
    # number as float, a date without a time as a date. openpyxl's values: None, int for a whole number, datetime.
    pad = (None,) * sheet.start[1] if sheet.height else ()
    for row in itertools.islice(sheet.iter_rows(), limits.max_rows + 2):
        values = tuple([
            None if value == ""
            else (int(value) if value.is_integer() else value) if type(value) is float
            else dt.datetime(value.year, value.month, value.day) if type(value) is dt.date
            else value
            for value in row
        ])
        yield (pad + values)[: limits.max_columns]
