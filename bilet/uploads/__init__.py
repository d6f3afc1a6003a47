"""The guards every uploaded file passes before anything reads it as what its name claims.

- `tables`: tables for the imports (XLSX and CSV): kind, size, ZIP directory, rows and columns (`TableFileField`,
  `check_table_upload`).
- `reading`: the rows of a checked workbook, by python-calamine when its grid is proven within the limits, by openpyxl
  held to them otherwise (`read_xlsx_rows`, `read_xlsx_table`).
- `documents`: a checked workbook laid out like a document, title rows and merged cells (`read_xlsx_document`).
- `media`: photos and videos of events and regions (issue 15 §5): kind from the content, size, pixels, a damaged image
  (`check_media_upload`, `check_image`, `photo_copies`).
"""

from .media import (  # noqa: F401
    MEDIA_ACCEPT,
    PHOTO,
    VIDEO,
    CheckedMedia,
    MediaLimits,
    check_image,
    check_media_upload,
    photo_copies,
)
from .documents import read_xlsx_document  # noqa: F401
from .reading import read_xlsx_rows, read_xlsx_table  # noqa: F401
from .tables import (  # noqa: F401
    ACCEPT,
    CSV,
    XLSX,
    TableFileField,
    UploadLimits,
    check_table_upload,
    csv_encoding,
)
