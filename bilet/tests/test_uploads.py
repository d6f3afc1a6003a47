"""The upload guard (issue 12 §4): every uploaded table is judged before openpyxl or tablib reads it."""

import io
import time
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.formats import base_formats

from bilet.tests.admin_import import FORMAT_CSV, FORMAT_XLSX, admin_import, csv_bytes, form_errors, xlsx_bytes
from bilet.uploads import CSV, XLSX, TableFileField, check_table_upload, csv_encoding, read_xlsx_table
from regions.models import Region

HEADER = ["Код", "Название"]
SHEET = "xl/worksheets/sheet1.xml"


def _rows(n: int) -> list[list[str]]:
    return [HEADER] + [[str(100 + i), f"Регион {i}"] for i in range(n)]


def _with_sheet(sheet_parts, *, method=zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook made by openpyxl whose first sheet is replaced by the XML that `sheet_parts` yields, streamed."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(_rows(1))))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            if part.filename == SHEET:
                with archive.open(SHEET, "w") as stream:
                    for piece in sheet_parts:
                        stream.write(piece)
            else:
                archive.writestr(part.filename, source.read(part.filename), compress_type=method)
    return target.getvalue()


def zip_bomb(unpacked: int = 92 * 1024 * 1024) -> bytes:
    """A valid workbook of ~380 KB whose sheet inflates to `unpacked` bytes of identical rows (like the one that
    grew a worker to 2.5 GB)."""
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
    block = row * 10_000

    def parts():
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        for _ in range(unpacked // len(block)):
            yield block
        yield b"</sheetData></worksheet>"

    return _with_sheet(parts())


def _sheet(*rows: bytes, dimension: bytes = b"") -> bytes:
    return _with_sheet([
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', dimension,
        b"<sheetData>", *rows, b"</sheetData></worksheet>",
    ])


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_table_upload(_upload(name, content))
    return caught.value


@pytest.fixture
def no_parser(monkeypatch):
    """Fails the test if import-export, tablib, openpyxl or calamine start to read a file."""
    calls = []

    def parse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the parser was called")

    for target in (base_formats.XLSX, base_formats.CSV):
        monkeypatch.setattr(target, "create_dataset", parse)
    monkeypatch.setattr("openpyxl.load_workbook", parse)
    monkeypatch.setattr("bilet.uploads.reading.CalamineWorkbook", parse)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", parse)
    monkeypatch.setattr("tablib.import_set", parse)
    yield calls
    assert not calls, "a file the guard refuses must never reach a parser"


# --- The function --------------------------------------------------------------------------------------------------

def test_a_valid_xlsx_and_csv_are_accepted_and_left_rewound():
    for name, content, kind in (("r.xlsx", xlsx_bytes(_rows(3)), XLSX), ("r.csv", csv_bytes(_rows(3)), CSV)):
        upload = _upload(name, content)
        assert check_table_upload(upload) == kind
        assert upload.read() == content


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_any_parser(no_parser):
    started = time.monotonic()
    content = zip_bomb()
    assert len(content) < 1024 * 1024
    error = _refusal("regions.xlsx", content)
    assert error.code == "ratio"
    assert "возможная ZIP-бомба" in error.messages[0]
    assert time.monotonic() - started < 5


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(settings, no_parser):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 20 * 1024
    error = _refusal("regions.xlsx", xlsx_bytes(_rows(500)))
    assert error.code == "too_big_unpacked"
    assert error.messages[0].startswith("Распакованная книга занимает")


@pytest.mark.parametrize("name, content, message", [
    ("regions.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "Файл назван .xlsx, но это не книга Excel."),
    ("regions.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "Файл — не книга Excel и не таблица CSV."),
    ("regions.csv", b"\x7fELF\x02\x01\x01\x00" + bytes(200), "Файл — не книга Excel и не таблица CSV."),
    ("regions.exe", b"MZ\x90\x00", "Импортировать можно только файлы .xlsx и .csv; «regions.exe» — не такой."),
    ("regions.xlsx", b"", "Файл пустой."),
    ("regions.csv", b"", "Файл пустой."),
    ("regions.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Это книга Excel 97–2003 (.xls)"),
    ("regions.csv", xlsx_bytes(_rows(1)), "Файл назван .csv, но это книга Excel; назовите его .xlsx."),
], ids=["exe-as-xlsx", "exe-as-csv", "elf-as-csv", "exe", "empty-xlsx", "empty-csv", "xls", "xlsx-as-csv"])
def test_a_file_that_is_not_a_table_is_refused(no_parser, name, content, message):
    assert _refusal(name, content).messages[0].startswith(message)


def test_an_archive_without_a_workbook_is_refused(no_parser):
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert _refusal("regions.xlsx", document.getvalue()).code == "kind"


def test_a_workbook_with_parts_packed_other_than_excel_does_is_refused(no_parser):
    content = _with_sheet([b"<worksheet/>"], method=zipfile.ZIP_BZIP2)
    assert _refusal("regions.xlsx", content).code == "kind"


def test_an_oversize_file_is_refused_by_its_size(settings, no_parser):
    settings.UPLOAD_MAX_BYTES = 1000
    error = _refusal("regions.csv", csv_bytes(_rows(100)))
    assert error.code == "too_big" and error.messages[0].startswith("Файл весит")


@pytest.mark.parametrize("name, content", [
    ("regions.xlsx", xlsx_bytes(_rows(4))), ("regions.csv", csv_bytes(_rows(4))),
], ids=["xlsx", "csv"])
def test_too_many_rows_are_refused_and_the_limit_itself_passes(settings, no_parser, name, content):
    settings.UPLOAD_MAX_ROWS = 3
    error = _refusal(name, content)
    assert error.code == "too_many_rows"
    assert error.messages == ["В файле больше 3 строк под заголовком: разделите его на части."]
    settings.UPLOAD_MAX_ROWS = 4
    assert check_table_upload(_upload(name, content)) in (XLSX, CSV)


def test_rows_are_counted_by_their_numbers_and_with_any_namespace_prefix(settings, no_parser):
    """openpyxl yields an empty row for every number a sheet skips: row 1,000,000 alone is a million rows."""
    settings.UPLOAD_MAX_ROWS = 1000
    sparse = _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>')
    assert _refusal("regions.xlsx", sparse).code == "too_many_rows"
    prefixed = _with_sheet([b'<x:worksheet xmlns:x="urn:x"><x:sheetData>', b'<x:row r="1"/>' * 1500, b"</x:sheetData>"])
    assert _refusal("regions.xlsx", prefixed).code == "too_many_rows"
    settings.UPLOAD_MAX_ROWS = 1500
    assert check_table_upload(_upload("regions.xlsx", prefixed)) == XLSX


def test_a_row_at_the_very_start_of_a_small_part_is_counted(settings, no_parser):
    settings.UPLOAD_MAX_ROWS = 1000
    assert _refusal("regions.xlsx", _with_sheet([b'<row r="2000"/>'])).code == "too_many_rows"


def test_rows_across_chunk_boundaries_are_counted_once(settings):
    """Rows without numbers are counted tag by tag: a tag cut by a 1 MB chunk is counted once, never twice or not."""
    rows = [b"<row" + b" " * (i % 7) + b'><c r="B%d"><v>1</v></c></row>' % i for i in range(1, 60_001)]
    content = _sheet(*rows)
    settings.UPLOAD_MAX_ROWS = 59_999
    assert check_table_upload(_upload("regions.xlsx", content)) == XLSX
    settings.UPLOAD_MAX_ROWS = 59_998
    assert _refusal("regions.xlsx", content).code == "too_many_rows"


def test_a_sheet_declared_or_written_too_wide_is_refused(no_parser):
    """openpyxl pads every row to the declared width: «A1:XFD2» makes each row 16,384 cells."""
    declared = _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', dimension=b'<dimension ref="A1:XFD2"/>')
    error = _refusal("regions.xlsx", declared)
    assert error.code == "too_wide" and error.messages[0].startswith("Столбцов в листе: 16")
    written = _sheet(b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>')
    assert _refusal("regions.xlsx", written).code == "too_wide"
    assert check_table_upload(_upload("r.xlsx", _sheet(b'<row r="1"><c r="GR1"><v>1</v></c></row>'))) == XLSX


def _text_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def test_the_reader_stays_within_the_limits_whatever_the_sheet_claims(settings):
    """Spellings the scan does not read (a character reference for a digit) still never inflate the rows or
    widths openpyxl yields: the reader stops at the limits."""
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS = 1000, 5
    header = b'<row r="1">' + _text_cell("A1", "Код") + _text_cell("B1", "Название") + b"</row>"
    wide = _sheet(header, b'<row r="2">' + _text_cell("A2", "98") + _text_cell("&#88;FD2", "x") + b"</row>",
                  dimension=b'<dimension ref="A1:B2"/>')
    assert check_table_upload(_upload("r.xlsx", wide)) == XLSX
    dataset = read_xlsx_table(wide)
    assert dataset.headers == ["Код", "Название"] and list(dataset) == [("98", None)]
    sparse = _sheet(header, b'<row r="&#49;000000">' + _text_cell("A1000000", "98") + b"</row>")
    assert check_table_upload(_upload("r.xlsx", sparse)) == XLSX
    started = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        read_xlsx_table(sparse)
    assert caught.value.code == "too_many_rows" and time.monotonic() - started < 2


def test_csv_in_utf8_with_a_bom_or_in_windows_1251_is_accepted():
    text = "Код;Название\n98;Тестовая область\n"
    for content, encoding in (("\ufeff" + text).encode("utf-8"), "utf-8-sig"), (text.encode("cp1251"), "cp1251"):
        upload = _upload("regions.csv", content)
        assert check_table_upload(upload) == CSV and csv_encoding(upload) == encoding


def test_a_file_without_a_name_is_judged_by_its_content():
    assert check_table_upload(io.BytesIO(xlsx_bytes(_rows(1)))) == XLSX


# --- The form field (for the portal's upload forms) ----------------------------------------------------------------

class _UploadForm(forms.Form):
    table = TableFileField()


def test_the_form_field_gives_the_kind_or_the_refusal():
    form = _UploadForm(files={"table": _upload("r.xlsx", xlsx_bytes(_rows(2)))})
    assert form.is_valid() and form.cleaned_data["table"].table_kind == XLSX
    form = _UploadForm(files={"table": _upload("r.xlsx", b"MZ\x90\x00")})
    assert not form.is_valid() and form.errors["table"] == ["Файл назван .xlsx, но это не книга Excel."]
    assert 'accept=".xlsx,.csv"' in str(form["table"])


# --- The admin's import --------------------------------------------------------------------------------------------

@pytest.fixture
def operator_client(client, world):
    client.force_login(world.operator)
    return client


def _refused_by_admin(client, name, content, fmt) -> list[str]:
    before = Region.objects.count()
    response = admin_import(client, Region, content, name, fmt=fmt)
    assert response.status_code == 200 and "confirm_form" not in response.context
    assert Region.objects.count() == before
    return form_errors(response)


@pytest.mark.django_db
def test_the_admin_import_refuses_a_zip_bomb_before_parsing_it(operator_client, no_parser):
    errors = _refused_by_admin(operator_client, "regions.xlsx", zip_bomb(), FORMAT_XLSX)
    assert len(errors) == 1 and "возможная ZIP-бомба" in errors[0]


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, fmt, message", [
    ("regions.xlsx", b"MZ\x90\x00" + bytes(100), FORMAT_XLSX, "Файл назван .xlsx, но это не книга Excel."),
    ("regions.csv", b"\x7fELF\x02\x01\x01\x00" + bytes(100), FORMAT_CSV, "Файл — не книга Excel и не таблица CSV."),
    ("regions.csv", b"", FORMAT_CSV, "Отправленный файл пуст."),
    ("regions.csv", csv_bytes(_rows(6)), FORMAT_CSV, "В файле больше 5 строк под заголовком: разделите его на части."),
    ("regions.xlsx", xlsx_bytes(_rows(6)), FORMAT_XLSX, "В файле больше 5 строк под заголовком: разделите его на части."),
    ("regions.csv", csv_bytes(_rows(1000)), FORMAT_CSV, "Файл весит"),
], ids=["exe", "elf", "empty", "csv-rows", "xlsx-rows", "oversize"])
def test_the_admin_import_refuses_each_kind_of_bad_file(operator_client, settings, no_parser, name, content, fmt, message):
    settings.UPLOAD_MAX_ROWS = 5
    settings.UPLOAD_MAX_BYTES = 8000
    errors = _refused_by_admin(operator_client, name, content, fmt)
    assert any(error.startswith(message) for error in errors), errors


@pytest.mark.django_db
def test_the_admin_import_reads_a_crafted_sheet_only_within_the_limits(operator_client, settings):
    settings.UPLOAD_MAX_ROWS = 1000
    sparse = _sheet(b'<row r="1">' + _text_cell("A1", "Код") + _text_cell("B1", "Название") + b"</row>",
                    b'<row r="&#49;000000">' + _text_cell("A1000000", "98") + _text_cell("B1000000", "X") + b"</row>")
    errors = _refused_by_admin(operator_client, "regions.xlsx", sparse, FORMAT_XLSX)
    assert errors == ["В файле больше 1\xa0000 строк под заголовком: разделите его на части."]


@pytest.mark.django_db
@pytest.mark.parametrize("name, content", [
    ("regions.xlsx", xlsx_bytes([HEADER, ["98", "Тестовая область"]])),
    ("regions.csv", csv_bytes([HEADER, ["98", "Тестовая область"]])),
    ("regions.csv", "Код,Название\r\n98,Тестовая область\r\n".encode("cp1251")),
], ids=["xlsx", "csv-utf8", "csv-cp1251"])
def test_the_admin_import_takes_a_valid_xlsx_or_csv(operator_client, name, content):
    admin_import(operator_client, Region, content, name)
    assert Region.objects.get(code="98").name == "Тестовая область"
