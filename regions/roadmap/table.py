"""A roadmap table as the regions write it (seed 001, Tula; seed 004, Kemerovo) and as the portal exports it: title
rows above a header, the columns found by their names, a row of column numbers under the header («1 2 3 4 5»),
sections' headings across the whole row, multi-line cells. This module only lays the sheet out; what a row means and
whether it is right is decided by `regions.services.roadmap`."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bilet.exports import unescaped_cell
from bilet.resources import cell_text

from .errors import ReadError

# The header must be within the first rows (seed 001 has an approval block and a title above it).
HEADER_WITHIN_ROWS = 20
REQUIRED = ("number", "activity", "period")
_BARE_NUMBER = re.compile(r"[\d.\s]+")


def column_labels() -> dict[str, str]:
    """The portal's own header for each column, the seeds' words (the page and the export write them; the import
    reads them back)."""
    return {
        "number": pgettext("roadmap column", "No."),
        "activity": pgettext("roadmap column", "Activity"),
        "period": pgettext("roadmap column", "Period"),
        "responsible": pgettext("roadmap column", "Responsible parties"),
        "result": pgettext("roadmap column", "Expected result"),
        "status": pgettext("roadmap column", "Status"),
        "comment": pgettext("roadmap column", "Comment"),
    }


# How the seeds and the regions' own tables name each column, after lower case and single spaces.
_HEADERS = {
    "number": re.compile(r"(?:№|n|номер)(?: ?п ?/ ?п\.?)?"),
    "activity": re.compile(r"(?:наименование|мероприяти|содержание).*"),
    "period": re.compile(r"срок.*"),
    "responsible": re.compile(r".*(?:исполнител|ответственн).*"),
    "result": re.compile(r".*результат.*"),
    "status": re.compile(r"статус.*|состояние.*"),
    "comment": re.compile(r"(?:комментари|примечани).*"),
}


class TableError(ReadError):
    """A sheet that is no roadmap table at all (no header)."""


@dataclass
class TableRow:
    line: int  # the row's number in the sheet
    cells: dict[str, str]  # column → text; multi-line cells keep their lines
    heading: str | None = None  # the text of a row that holds one text only (a section's heading)
    # Excel keeps «4.10» typed into a number cell as the number 4.1: a duplicate number then says so.
    number_is_numeric: bool = False

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    headers: dict[str, str]  # column → its header as the file writes it («Сроки», «Срок»)
    rows: list[TableRow]


def _header_text(value) -> str:
    return " ".join(cell_text(value).lower().replace("ё", "е").split())


def _columns(row: list) -> dict[str, int]:
    own = {_header_text(label): key for key, label in column_labels().items()}
    found: dict[str, int] = {}
    for position, value in enumerate(row):
        text = _header_text(value)
        if not text:
            continue
        key = own.get(text) or next(
            (key for key, pattern in _HEADERS.items() if key not in found and pattern.fullmatch(text)), None
        )
        if key and key not in found:
            found[key] = position
    return found


def _cell(value) -> str:
    """A cell's text with its lines kept (a multi-line cell lists several parties) and blank lines dropped."""
    lines = (" ".join(line.split()) for line in cell_text(unescaped_cell(value)).splitlines())
    return "\n".join(line for line in lines if line)


def _is_column_numbers(cells: list[str]) -> bool:
    """Seed 004's second header row: «1 2 3 4 5», each column's number."""
    filled = [(i, c) for i, c in enumerate(cells) if c]
    return len(filled) >= 3 and all(c == str(i + 1) for i, c in filled)


def read_table(rows: list[list]) -> Table:
    """The roadmap in the rows of a sheet (`bilet.uploads.read_xlsx_document`); TableError when no header is found."""
    for index, row in enumerate(rows[:HEADER_WITHIN_ROWS]):
        columns = _columns(row)
        if all(key in columns for key in REQUIRED):
            break
    else:
        labels = column_labels()
        raise TableError(
            _("No header row with the columns «%(number)s», «%(activity)s» and «%(period)s» was found in the first "
              "%(rows)s rows. Keep the table's header row.")
            % {**{key: labels[key] for key in REQUIRED}, "rows": HEADER_WITHIN_ROWS}
        )
    headers = {key: cell_text(row[position]) for key, position in columns.items()}
    table = Table(headers=headers, rows=[])
    for line, row in enumerate(rows[index + 1:], start=index + 2):
        texts = [_cell(value) for value in row]
        if not any(texts) or _is_column_numbers(texts):
            continue
        cells = {key: texts[position] for key, position in columns.items() if position < len(texts)}
        filled = [text for text in texts if text]
        # One text in the whole row, not a bare number and outside the period, responsible and result columns: a
        # section's heading, merged across the row in the seeds.
        lone = (len(filled) == 1 and not _BARE_NUMBER.fullmatch(filled[0])
                and not (cells.get("period") or cells.get("responsible") or cells.get("result")))
        position = columns["number"]
        numeric = position < len(row) and isinstance(row[position], float)
        table.rows.append(TableRow(line=line, cells=cells, heading=filled[0] if lone else None,
                                   number_is_numeric=numeric))
    return table
