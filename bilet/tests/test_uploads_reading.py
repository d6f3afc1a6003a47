"""Reading a checked workbook (`bilet.uploads.reading`): python-calamine for a sheet whose grid is proven within the
limits, openpyxl for anything else, and the same values from both."""

import datetime as dt
import io

import openpyxl
import pytest

from bilet.tests.test_uploads import _sheet, _text_cell
from bilet.uploads import read_xlsx_rows, read_xlsx_table, reading


def _workbook() -> bytes:
    """Two sheets, the second active; its table starts in column B with every kind of value a cell holds."""
    book = openpyxl.Workbook()
    book.active["A1"] = "не этот лист"
    sheet = book.create_sheet("Ученики")
    sheet.append([None, "Код", "Дата", "Число", "Да/нет", "Время", "Когда", "Пусто", None])
    sheet.append([None, 71, dt.datetime(2012, 5, 17), 2.5, True, dt.time(10, 30), dt.datetime(2026, 9, 1, 8, 15),
                  None, "за шапкой"])
    sheet.append([None, "05", 8.0, 12345678901, False, None, None, None])
    sheet.append([])
    sheet.append([None, "Тула", None, -3, None, None, None, None])
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def readers(monkeypatch):
    """Which readers ran, by name."""
    ran = []
    calamine, load_workbook = reading.CalamineWorkbook, openpyxl.load_workbook

    class Calamine:
        @staticmethod
        def from_filelike(*args, **kwargs):
            ran.append("calamine")
            return calamine.from_filelike(*args, **kwargs)

    def openpyxl_load(*args, **kwargs):
        ran.append("openpyxl")
        return load_workbook(*args, **kwargs)

    monkeypatch.setattr(reading, "CalamineWorkbook", Calamine)
    monkeypatch.setattr(openpyxl, "load_workbook", openpyxl_load)
    return ran


def test_a_workbook_as_excel_writes_it_is_read_by_calamine_with_openpyxls_values(readers, monkeypatch):
    content = _workbook()
    by_calamine = read_xlsx_rows(content)
    assert readers == ["calamine"]
    monkeypatch.setattr(reading, "_calamine_sheet", lambda *args: None)
    by_openpyxl = read_xlsx_rows(content)
    assert readers == ["calamine", "openpyxl"]
    assert by_calamine == by_openpyxl
    header, rows = by_calamine
    assert header == [None, "Код", "Дата", "Число", "Да/нет", "Время", "Когда", "Пусто"]
    assert rows == [  # the cell beyond the header («за шапкой») is cut
        (None, 71, dt.datetime(2012, 5, 17), 2.5, True, dt.time(10, 30), dt.datetime(2026, 9, 1, 8, 15), None),
        (None, "05", 8, 12345678901, False, None, None, None),
        (None, None, None, None, None, None, None, None),
        (None, "Тула", None, -3, None, None, None, None),
    ]
    assert [type(value) for value in rows[1][2:4]] == [int, int]


def test_the_tablib_dataset_holds_the_same_rows(readers):
    dataset = read_xlsx_table(_workbook())
    assert dataset.headers[1:3] == ["Код", "Дата"] and dataset[0][1] == 71 and dataset.height == 4


@pytest.mark.parametrize("cell", [
    b'<c t="inlineStr"><is><t>98</t></is></c>',  # placed by counting: the column is not in the XML
    b'<c s="0" r="A2" t="inlineStr"><is><t>98</t></is></c>',  # the address not first
    b'<c r = "A2" t="inlineStr"><is><t>98</t></is></c>',
    b'<c r="A2" r="xfd2" t="inlineStr"><is><t>98</t></is></c>',  # calamine reads the second address
    b"<c r='XFD2' t='inlineStr'><is><t>98</t></is></c>",
    b'<c r="A2" t="inlineStr"><is><t>98</t></is></c><c r="A99999999" t="inlineStr"><is><t>x</t></is></c>',
])
def test_a_sheet_whose_grid_is_not_proven_small_goes_to_openpyxl(readers, settings, cell):
    settings.UPLOAD_MAX_COLUMNS = 5
    header = b'<row r="1">' + _text_cell("A1", "Код") + _text_cell("B1", "Название") + b"</row>"
    content = _sheet(header, b'<row r="2">' + cell + b"</row>")
    try:
        read_xlsx_rows(content)
    except Exception:  # openpyxl's verdict on the sheet; the point is which reader was asked
        pass
    assert readers == ["openpyxl"]


def test_a_prefixed_cell_tag_or_utf16_xml_goes_to_openpyxl():
    limits = reading.UploadLimits.from_settings()
    prefixed = _sheet(b'<row r="1"><x:c r="A1" t="inlineStr"><is><t>98</t></is></x:c></row>')
    assert reading._calamine_sheet(prefixed, limits) is None
    plain = _sheet(b'<row r="1">' + _text_cell("A1", "Код") + b"</row>")
    assert reading._calamine_sheet(plain, limits) == 0
    utf16 = _sheet(b'<row r="1">' + _text_cell("A1", "Код") + b"</row>", "<r/>".encode("utf-16-le"))
    assert reading._calamine_sheet(utf16, limits) is None


def test_a_first_row_left_empty_gives_an_empty_header_from_either_reader(monkeypatch):
    content = _sheet(b'<row r="3">' + _text_cell("B3", "Код") + b'</row><row r="4"><c r="B4"><v>71</v></c></row>')
    by_calamine = read_xlsx_rows(content)
    monkeypatch.setattr(reading, "_calamine_sheet", lambda *args: None)
    assert by_calamine == read_xlsx_rows(content) == ([], [(), (), ()])


def test_only_cell_addresses_count_not_a_themes_attributes_named_r(settings):
    """Every theme has `<a:fillToRect r="50000">`: no row of the sheet."""
    settings.UPLOAD_MAX_ROWS = 1000
    assert reading._calamine_sheet(_sheet(b'<row r="1">' + _text_cell("A1", "Код") + b"</row>"),
                                   reading.UploadLimits.from_settings()) == 0


def test_too_wide_a_grid_for_calamines_budget_goes_to_openpyxl(settings):
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS = 100_000, 200
    wide = _sheet(b'<row r="1">' + _text_cell("A1", "Код") + _text_cell("BZ1", "x") + b"</row>")
    assert reading._calamine_sheet(wide, reading.UploadLimits.from_settings()) is None
    settings.UPLOAD_MAX_ROWS = 1000
    assert reading._calamine_sheet(wide, reading.UploadLimits.from_settings()) == 0
