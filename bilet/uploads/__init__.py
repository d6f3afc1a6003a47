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
an XLSX with `read_xlsx_rows` (or `read_xlsx_table` for a tablib Dataset), which holds its reader to the same limits
for sheets crafted past the scan: python-calamine when the sheet's bounds are proven, openpyxl otherwise (`reading`).
"""

from .guard import ACCEPT, CSV, XLSX, TableFileField, UploadLimits, check_table_upload, csv_encoding
from .reading import read_xlsx_rows, read_xlsx_table

__all__ = [
    "ACCEPT", "CSV", "XLSX", "TableFileField", "UploadLimits", "check_table_upload", "csv_encoding", "read_xlsx_rows",
    "read_xlsx_table",
]
