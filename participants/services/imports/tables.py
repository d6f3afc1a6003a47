"""An uploaded table read as a header and rows of cells, and the rows kept as CSV for the import after the preview."""

import csv
import datetime as dt
import io

from django.core.files.base import ContentFile

from bilet.resources import cell_text
from bilet.uploads import CSV, csv_encoding, read_xlsx_rows


def read_table(file, table_kind: str) -> tuple[list[str], list[tuple]]:
    """The header and the rows of a file that passed the upload guard (`bilet.uploads`)."""
    file.seek(0)
    if table_kind == CSV:
        encoding = csv_encoding(file) or "utf-8-sig"
        text = io.TextIOWrapper(file, encoding=encoding, newline="")
        try:
            first = text.readline()
            # Russian Excel saves «CSV» with semicolons; a CSV UTF-8 export of other tools with commas.
            delimiter = ";" if first.count(";") > first.count(",") else ","
            reader = csv.reader(io.StringIO(first), delimiter=delimiter)
            header = next(reader, [])
            rows = [tuple(row) for row in csv.reader(text, delimiter=delimiter) if any(cell.strip() for cell in row)]
        finally:
            text.detach()
        return [cell_text(h) for h in header], rows
    header, rows = read_xlsx_rows(file.read())
    return [cell_text(h) for h in header], [r for r in rows if any(v not in (None, "") for v in r)]


def rows_as_csv(header: list[str], rows: list[tuple]) -> ContentFile:
    """The rows read from a workbook as UTF-8 CSV that `read_table` reads back to the same cells' text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([value.strip() if type(value) is str else _csv_cell(value) for value in row])
    return ContentFile(out.getvalue().encode("utf-8"))


def _csv_cell(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date() if not (value.hour or value.minute or value.second) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y")
    return cell_text(value)
