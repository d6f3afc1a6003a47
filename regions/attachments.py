"""What a request's attachment may be (issue 15 §1): PDF, DOCX, XLSX, PNG or JPEG, up to 20 MB, judged by its content.

A name says nothing: an executable renamed to «отчёт.pdf» starts with «MZ», not «%PDF-», and is refused. DOCX and
XLSX are ZIP archives; their directory must name the document's main part, and the sizes it declares are bounded so
that a small archive cannot unpack to gigabytes in whoever opens it.
"""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_FILES = 5
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", "pdf")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PNG = Kind("image/png", "png")
JPEG = Kind("image/jpeg", "jpg")

_ZIP_MAGIC = (b"PK\x03\x04",)
_OFFICE_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}


def _refused(name: str) -> ValidationError:
    return ValidationError(
        gettext("«%(name)s» is not a PDF, DOCX, XLSX, PNG or JPEG file; such files cannot be attached.") % {"name": name}
    )


def check_attachment(file) -> Kind:
    """The kind of an uploaded attachment, or a ValidationError with a sentence for the person who chose it."""
    name = getattr(file, "name", "") or gettext("the file")
    size = file.size
    if size > MAX_BYTES:
        raise ValidationError(
            gettext("«%(name)s» is %(size)s; an attachment may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(MAX_BYTES)}
        )
    if size == 0:
        raise ValidationError(gettext("«%(name)s» is empty.") % {"name": name})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_ZIP_MAGIC):
        return _office_kind(file, name)
    raise _refused(name)


def _office_kind(file, name: str) -> Kind:
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refused(name) from None
    finally:
        file.seek(0)
    if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            gettext("«%(name)s» unpacks to more than %(max)s; such a file cannot be attached.")
            % {"name": name, "max": filesizeformat(MAX_UNCOMPRESSED_BYTES)}
        )
    names = {part.filename for part in parts}
    if "[Content_Types].xml" in names:
        for main_part, kind in _OFFICE_MAIN_PARTS.items():
            if main_part in names:
                return kind
    raise _refused(name)
