"""Drives the admin's two-step import (upload and preview, then confirm) as operator staff do."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

FORMAT_XLSX, FORMAT_CSV = "0", "1"  # the order of PortalImportExportMixin.import_formats


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def admin_import(client, model, content: bytes, name: str, fmt: str | None = None):
    """Upload the file; when the preview has no errors, confirm it. Returns the last response."""
    opts = model._meta
    fmt = fmt if fmt is not None else (FORMAT_XLSX if name.endswith(".xlsx") else FORMAT_CSV)
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
    response = client.post(url, {"format": fmt, "resource": "0", "import_file": SimpleUploadedFile(name, content)})
    confirm = response.context.get("confirm_form") if response.context else None
    if confirm is None:
        return response
    process = reverse(f"admin:{opts.app_label}_{opts.model_name}_process_import")
    return client.post(process, {**confirm.initial, "format": fmt, "resource": "0"}, follow=True)


def page_messages(response) -> list[str]:
    return list(response.context.get("row_messages") or [])


def form_errors(response) -> list[str]:
    form = response.context["form"]
    return [str(error) for errors in form.errors.values() for error in errors]
