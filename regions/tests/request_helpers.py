"""Files and requests for the tests of curators' requests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from regions.services.requests import request_create

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def pdf(name="ответ.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def office_zip(main_part: str, *, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def send(world, **overrides):
    data = {"actor": world.curator.user, "region": world.a.region, "subject": "Сведения о навигаторах",
            "text": "Пришлите список педагогов-навигаторов."}
    data.update(overrides)
    return request_create(**data)
