"""A workbook laid out like a document (`bilet.uploads.documents`): title rows and merged cells as a reader sees them,
within the guard's limits."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from bilet.tests.admin_import import xlsx_bytes
from bilet.uploads import read_xlsx_document

from .test_uploads import _rows, _text_cell, _with_sheet


def test_a_document_like_sheet_is_read_with_its_title_rows_and_merged_cells():
    """Rows above the header kept, a value merged down stands in each row, one merged across stays
    in its first cell."""
    book = Workbook()
    sheet = book.active
    rows = (["Дорожная карта"], ["№", "Мероприятие", "Срок", "Исполнители"],
            ["1.1", "Соглашение", "Май", "Оператор"], ["1.2", "Договоры", None, None], ["2. Раздел"])
    for row in rows:
        sheet.append(row)
    for merged in ("A1:D1", "C3:C4", "D3:D4", "A5:D5"):
        sheet.merge_cells(merged)
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_xlsx_document(buffer.getvalue()) == [
        ["Дорожная карта"], ["№", "Мероприятие", "Срок", "Исполнители"], ["1.1", "Соглашение", "Май", "Оператор"],
        ["1.2", "Договоры", "Май", "Оператор"], ["2. Раздел"],
    ]


def test_a_document_like_sheet_is_read_within_the_limits(settings):
    settings.UPLOAD_MAX_ROWS = 5
    with pytest.raises(ValidationError) as caught:
        read_xlsx_document(xlsx_bytes(_rows(10)))
    assert caught.value.code == "too_many_rows"
    header = b'<row r="1">' + _text_cell("A1", "Код") + b"</row>"
    merged = b'<mergeCells count="1"><mergeCell ref="A1:A1000000"/></mergeCells>'
    crafted = _with_sheet([b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                           b"<sheetData>", header, b"</sheetData>", merged, b"</worksheet>"])
    assert read_xlsx_document(crafted) == [["Код"]]  # a merge far past the rows fills nothing
