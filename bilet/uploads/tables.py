"""The guard every uploaded table passes before a parser reads it: the admin's imports and the portal's uploads.

A 383 KB workbook that unzips to 92 MB once grew a web worker to 2.5 GB inside openpyxl, and gunicorn's timeout did
not stop it. So a file is judged by what it is, cheaply, before openpyxl or tablib sees it:
- its kind from its content (an XLSX is a ZIP archive holding a workbook, a CSV is UTF-8 or Windows-1251 text with no
  NUL byte), never from its name alone;
- its size as uploaded (UPLOAD_MAX_BYTES);
- for an XLSX, the sizes of its parts as the ZIP directory declares them (UPLOAD_MAX_UNCOMPRESSED_BYTES) and how
  much each is compressed (UPLOAD_MAX_COMPRESSION_RATIO) — Python's zipfile never inflates a part beyond its
  declared size, so the directory bounds what a parser can be made to read;
- its rows below the header (UPLOAD_MAX_ROWS), counted by scanning the text, and for an XLSX the width of its rows
  (UPLOAD_MAX_COLUMNS): openpyxl pads every row to the width the sheet declares, so «A1:XFD2» turns each row into
  16,384 cells.
Each refusal is a Russian sentence for the person who chose the file, raised as a ValidationError.

Use: `TableFileField` in a form (the admin's import form uses it), or `check_table_upload(file)` in code; then read
an XLSX with `read_xlsx_rows` (`read_xlsx_table` for a tablib Dataset) from `bilet.uploads.reading`, which holds its
reader to the same limits for sheets crafted past the scan.
"""

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import column_index_from_string

XLSX, CSV = "xlsx", "csv"
ACCEPT = ".xlsx,.csv"

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive starts with its directory end
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 (.xls) and password-protected workbooks
_WORKBOOK_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# A part below this size says nothing by its compression: a page of repeated XML compresses well and is harmless.
_RATIO_FROM_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024

# What a worksheet's XML says about its size, found by patterns that start with a literal (the regular expression
# engine then skips ahead instead of trying every byte: ~0.2 s per pattern for a 68 MB sheet of 100,000 rows).
# A tag may carry a namespace prefix (`<x:row>` from .NET writers); a cell counts only beyond column Z.
_ROW = re.compile(rb"row(?=[\s/>])")
_DIMENSION = re.compile(rb"dimension(?=[\s/>])")
_WIDE_CELL = re.compile(rb'r="([A-Z]{2,3})[0-9]')
_PREFIX = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?\Z")  # what opens a tag just before its name
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']([0-9]+)""")
_DIMENSION_COLUMNS = re.compile(rb'\bref="[A-Z]{1,3}[0-9]*(?::([A-Z]{1,3})[0-9]*)?"')
_BEFORE, _AFTER = 40, 520  # the bytes around a match that are read with it: kept across chunks


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_rows: int
    max_columns: int

    @classmethod
    def from_settings(cls) -> "UploadLimits":
        return cls(
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_uncompressed_bytes=settings.UPLOAD_MAX_UNCOMPRESSED_BYTES,
            max_compression_ratio=settings.UPLOAD_MAX_COMPRESSION_RATIO,
            max_rows=settings.UPLOAD_MAX_ROWS,
            max_columns=settings.UPLOAD_MAX_COLUMNS,
        )


def check_table_upload(file, *, limits: UploadLimits | None = None) -> str:
    """The kind of the uploaded table, `XLSX` or `CSV`, once it is safe to parse; otherwise a ValidationError.

    `file` is an uploaded file (or any seekable binary file; its `name`, if any, must end in .xlsx or .csv and agree
    with the content). Nothing but the ZIP directory and a streamed scan is read; the file is left rewound, with
    `table_rows` set to the rows below the header as the scan counted them (an upper bound: blank rows count)."""
    limits = limits or UploadLimits.from_settings()
    name = getattr(file, "name", None) or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if name and extension not in (XLSX, CSV):
        raise ValidationError(
            gettext("Only .xlsx and .csv files can be imported; «%(name)s» is neither.") % {"name": name},
            code="extension",
        )
    size = upload_size(file)
    if size == 0:
        raise ValidationError(gettext("The file is empty."), code="empty")
    if size > limits.max_bytes:
        raise ValidationError(
            gettext("The file is %(size)s; at most %(limit)s can be imported at once. Split it into parts.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limits.max_bytes)},
            code="too_big",
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    try:
        if head.startswith(_OLE_MAGIC):
            raise ValidationError(
                gettext(
                    "This is an Excel 97–2003 workbook (.xls) or a workbook protected by a password. "
                    "Open it in Excel and save it as an .xlsx workbook without a password."
                ),
                code="xls",
            )
        if head.startswith(_ZIP_MAGIC):
            if extension == CSV:
                raise ValidationError(
                    gettext("The file is named .csv but is an Excel workbook; name it .xlsx."), code="kind"
                )
            file.table_rows = _check_workbook(file, limits)
            return XLSX
        if extension == XLSX:
            raise ValidationError(gettext("The file is named .xlsx but is not an Excel workbook."), code="kind")
        file.table_rows = _check_csv(file, limits)
        return CSV
    finally:
        file.seek(0)


def csv_encoding(file) -> str | None:
    """The encoding of a CSV file: "utf-8-sig" (UTF-8, with or without a BOM), "cp1251" (what Russian Excel
    saves as «CSV»), or None when it is neither or holds a NUL byte, as a binary file does."""
    file.seek(0)
    try:
        return _scan_csv(file)[0]
    finally:
        file.seek(0)


def upload_size(file) -> int:
    """The size of an uploaded (or any seekable) file, in bytes."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    return size


def not_a_workbook() -> ValidationError:
    return ValidationError(gettext("The file is not an Excel workbook, or it is damaged."), code="kind")


def _check_workbook(file, limits: UploadLimits) -> int:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_a_workbook() from None
    with archive:
        parts = archive.infolist()
        _check_directory(parts, limits)
        rows, columns = _scan_parts(archive, parts, limits)
    check_rows(rows - 1, limits)
    if columns > limits.max_columns:
        raise ValidationError(
            gettext("Columns in the sheet: %(columns)s; at most %(limit)s can be imported.")
            % {"columns": number_format(columns, force_grouping=True), "limit": limits.max_columns},
            code="too_wide",
        )
    return max(rows - 1, 0)


def _check_directory(parts: list[zipfile.ZipInfo], limits: UploadLimits) -> None:
    """What the ZIP directory declares, before a byte is inflated."""
    names = {part.filename for part in parts}
    # Excel writes its parts deflated or stored; other methods (bzip2, LZMA) inflate without a bound per read.
    methods = {part.compress_type for part in parts}
    if not all(name in names for name in _WORKBOOK_PARTS) or not methods <= {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
        raise not_a_workbook()
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_uncompressed_bytes:
        raise ValidationError(
            gettext("The workbook unpacks to %(size)s; at most %(limit)s can be imported. Split it into parts.")
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limits.max_uncompressed_bytes)},
            code="too_big_unpacked",
        )
    for part in parts:
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM_BYTES and ratio > limits.max_compression_ratio:
            raise ValidationError(
                gettext(
                    "The workbook is compressed %(ratio)s times, while a table compresses at most %(limit)s "
                    "times: it is refused as a possible ZIP bomb. Save the table again in Excel."
                )
                % {"ratio": number_format(ratio, force_grouping=True), "limit": limits.max_compression_ratio},
                code="ratio",
            )


def _scan_parts(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], limits: UploadLimits) -> tuple[int, int]:
    """The most rows and columns of any XML part (the sheet openpyxl reads is one of them), streamed."""
    rows = columns = 0
    try:
        for part in parts:
            if part.filename.endswith(".xml"):
                with archive.open(part) as stream:
                    part_rows, part_columns = _scan_xml_part(stream, stop_after=limits.max_rows + 1)
                rows, columns = max(rows, part_rows), max(columns, part_columns)
                if rows - 1 > limits.max_rows:
                    break
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError):
        # A damaged part, a wrong checksum, an encrypted part (RuntimeError): openpyxl would fail on it too.
        raise not_a_workbook() from None
    return rows, columns


def _scan_xml_part(stream, *, stop_after: int) -> tuple[int, int]:
    """The rows openpyxl would yield from a worksheet part and its width in columns, read in chunks; stops once the
    rows pass `stop_after`. A row numbered `r="1000000"` is a million rows: openpyxl fills every number skipped."""
    rows = highest = current = columns = 0
    data, start = b"", 0
    while True:
        chunk = stream.read(_CHUNK)
        data += chunk
        end = max(len(data) - _AFTER, start) if chunk else len(data)
        for match in _ROW.finditer(data, start):
            if match.start() >= end:
                break
            attributes = _opening_tag(data, match)
            if attributes is not None:
                numbers = _ROW_NUMBER.findall(attributes)
                current = max(map(int, numbers)) if numbers else current + 1
                rows, highest = rows + 1, max(highest, current)
        for match in _WIDE_CELL.finditer(data, start):
            if match.start() >= end:
                break
            columns = max(columns, column_index_from_string(match.group(1).decode()))
        for match in _DIMENSION.finditer(data, start):
            if match.start() >= end:
                break
            attributes = _opening_tag(data, match)
            width = _DIMENSION_COLUMNS.search(attributes) if attributes is not None else None
            if width and width.group(1):
                columns = max(columns, column_index_from_string(width.group(1).decode()))
        if max(rows, highest) > stop_after or not chunk:
            return max(rows, highest), columns
        keep = max(end - _BEFORE, 0)
        data, start = data[keep:], end - keep


def _opening_tag(data: bytes, match) -> bytes | None:
    """The attributes of the tag whose name `match` found, or None if the name is not an opening tag's."""
    if not _PREFIX.search(data, max(0, match.start() - _BEFORE), match.start()):
        return None
    close = data.find(b">", match.end(), match.end() + _AFTER)
    return data[match.end():close] if close != -1 else b""


def _check_csv(file, limits: UploadLimits) -> int:
    encoding, lines = _scan_csv(file)
    if encoding is None:
        raise ValidationError(
            gettext(
                "The file is neither an Excel workbook nor a CSV table. Save the table in Excel as "
                "«Excel Workbook (*.xlsx)» or «CSV UTF-8 (Comma delimited)»."
            ),
            code="kind",
        )
    check_rows(lines - 1, limits)
    return max(lines - 1, 0)


def _scan_csv(file) -> tuple[str | None, int]:
    """The encoding of a text file (None for a binary one) and its number of lines, read in chunks."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = is_cp1251 = True
    lines = 0
    last = b""
    while chunk := file.read(_CHUNK):
        if b"\x00" in chunk:
            return None, 0
        lines += chunk.count(b"\n")
        last = chunk
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
        is_cp1251 = is_cp1251 and b"\x98" not in chunk  # the one byte Windows-1251 leaves undefined
    if last and not last.endswith(b"\n"):
        lines += 1
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return "utf-8-sig", lines
    return ("cp1251" if is_cp1251 else None), lines


def check_rows(rows: int, limits: UploadLimits) -> None:
    if rows > limits.max_rows:
        raise ValidationError(
            ngettext(
                "The file has more than %(limit)s row below the header; split it into parts.",
                "The file has more than %(limit)s rows below the header; split it into parts.",
                limits.max_rows,
            )
            % {"limit": number_format(limits.max_rows, force_grouping=True)},
            code="too_many_rows",
        )


class TableFileField(forms.FileField):
    """A file field for an uploaded table: the cleaned file has passed `check_table_upload`, and its
    `table_kind` is XLSX or CSV."""

    def __init__(self, *, limits: UploadLimits | None = None, **kwargs):
        kwargs.setdefault("label", _("Table (.xlsx or .csv)"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)
        self.limits = limits  # None: the settings' limits

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            upload.table_kind = check_table_upload(upload, limits=self.limits)
        return upload
