"""Checks on uploaded files that do not trust the name the browser sent."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bilet.uploads import check_image

CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted type: a renamed executable keeps its own (MZ, \x7fELF), whatever its extension.
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def sniff_document_type(head: bytes) -> str | None:
    """'pdf', 'jpeg' or 'png' when `head` (the file's first bytes) starts like one of them, else None."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def validate_certificate(file) -> None:
    """A certificate of training: a PDF, JPEG or PNG by its content, at most 10 MB.

    A file already in storage was checked when it came in: re-validating an unchanged record does not reopen it."""
    if getattr(file, "_committed", False):
        return
    if file.size > CERTIFICATE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB; attach a smaller scan or a PDF."),
            code="file_too_large", params={"limit": CERTIFICATE_MAX_BYTES // (1024 * 1024)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if sniff_document_type(head) is None:
        raise ValidationError(
            _("The certificate must be a PDF, JPEG or PNG file; this file is something else."), code="file_type"
        )


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


def _head(file, size: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def _is_docx(file) -> bool:
    """A Word document is a ZIP archive holding word/document.xml; a renamed archive or workbook is not one."""
    import zipfile

    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(position)


def verify_image(file) -> None:
    """Pillow verifies the image: a truncated or broken one, or one so large it would be a decompression bomb, is
    refused with a sentence rather than an exception (the guard of every uploaded image, bilet.uploads.check_image)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        check_image(file)
    finally:
        file.seek(position)


def validate_contract_document(file) -> None:
    """A contract document: PDF, DOCX, JPEG or PNG by its content (images verified by Pillow), at most 10 MB."""
    if getattr(file, "_committed", False):
        return
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB; attach a smaller scan or a PDF."),
            code="file_too_large", params={"limit": DOCUMENT_MAX_BYTES // (1024 * 1024)},
        )
    head = _head(file)
    kind = sniff_document_type(head)
    if kind in ("jpeg", "png"):
        verify_image(file)
        return
    if kind == "pdf" or (head.startswith(_ZIP_MAGIC) and _is_docx(file)):
        return
    raise ValidationError(
        _("A contract document must be a PDF, DOCX, JPEG or PNG file; this file is something else."),
        code="file_type",
    )
