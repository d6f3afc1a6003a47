"""The columns of a drill-down list (issue 13 §9) — on the page and in its CSV and XLSX — by what the list holds."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from bilet.db import with_related
from bilet.exports import safe_cell

from .xlsx import DATE, Column, Sheet, workbook_bytes

ANONYMISED = gettext_lazy("(personal data removed)")
REGION_WORK = gettext_lazy("The region's work")


def _day(value):
    return timezone.localdate(value) if value is not None and hasattr(value, "tzinfo") else value


def _student(s):
    return s.full_name or str(ANONYMISED)


# model name → (columns: header, value of a row[, XLSX number format]; the related rows read in the same query)
LISTS = {
    "student": ([
        (gettext_lazy("Student"), _student),
        (gettext_lazy("School"), lambda s: s.school.short_name),
        (gettext_lazy("Grade"), lambda s: s.grade_label),
        (gettext_lazy("Registered"), lambda s: _day(s.created_at), DATE),
    ], ("school",)),
    "booking": ([
        (gettext_lazy("Student"), lambda b: _student(b.student)),
        (gettext_lazy("Event"), lambda b: b.event.title),
        (gettext_lazy("Venue"), lambda b: b.event.venue.short_name),
        (gettext_lazy("Start"), lambda b: _day(b.event.starts_at), DATE),
        (gettext_lazy("Level"), lambda b: b.event.get_level_display()),
        (gettext_lazy("Mode"), lambda b: b.event.get_mode_display()),
    ], ("student", "event__venue")),
    "event": ([
        (gettext_lazy("Event"), lambda e: e.title),
        (gettext_lazy("Venue"), lambda e: e.venue.short_name),
        (gettext_lazy("Start"), lambda e: _day(e.starts_at), DATE),
        (gettext_lazy("Level"), lambda e: e.get_level_display()),
        (gettext_lazy("Mode"), lambda e: e.get_mode_display()),
    ], ("venue",)),
    "mentor": ([
        (gettext_lazy("Mentor"), lambda m: m.full_name),
        (gettext_lazy("Organisation"), lambda m: m.organisation),
    ], ()),
    "venue": ([
        (gettext_lazy("Venue"), lambda v: v.short_name),
        (gettext_lazy("Address"), lambda v: v.address),
    ], ()),
    "navigator": ([
        (gettext_lazy("Navigator"), lambda n: f"{n.user.last_name} {n.user.first_name}".strip() or n.user.email),
        (gettext_lazy("School"), lambda n: n.school.short_name),
        (gettext_lazy("Registered"), lambda n: _day(n.created_at), DATE),
    ], ("user", "school")),
    "appeal": ([
        (gettext_lazy("Subject"), lambda a: a.subject),
        (gettext_lazy("Received"), lambda a: _day(a.received_at), DATE),
        (gettext_lazy("Status"), lambda a: a.get_status_display()),
    ], ()),
    "promotionmeasure": ([
        (gettext_lazy("Title"), lambda m: m.title),
        (gettext_lazy("Kind"), lambda m: m.get_kind_display()),
        (gettext_lazy("Date"), lambda m: m.held_on, DATE),
    ], ()),
    "teamtraining": ([
        (pgettext_lazy("person", "Full name"), lambda t: t.person_name),
        (gettext_lazy("Course or webinar"), lambda t: t.course),
        (gettext_lazy("Completed on"), lambda t: t.completed_on, DATE),
    ], ()),
    "trainingneed": ([
        (gettext_lazy("Topic"), lambda n: n.topic),
        (gettext_lazy("Number of people"), lambda n: n.people_count),
        (gettext_lazy("Wished month"), lambda n: n.wished_month, DATE),
    ], ()),
    "mediafile": ([
        (gettext_lazy("File name"), lambda m: m.original_name),
        (gettext_lazy("Kind"), lambda m: m.get_kind_display()),
        (gettext_lazy("Event"), lambda m: m.event.title if m.event else str(REGION_WORK)),
        (gettext_lazy("Uploaded"), lambda m: _day(m.uploaded_at), DATE),
    ], ("event",)),
}


def list_queryset(rows):
    """The rows with what their columns read, in a stable order for pagination."""
    _columns, related = LISTS[rows.model._meta.model_name]
    return with_related(rows, related).order_by("pk")


def _columns(rows) -> list[tuple]:
    return LISTS[rows.model._meta.model_name][0]


def headers(rows) -> list[str]:
    return [str(column[0]) for column in _columns(rows)]


def table_rows(rows, *, chunked: bool = False) -> Iterator[list]:
    """The cells of each row; `chunked` streams a long list from the database in chunks (exports)."""
    columns = _columns(rows)
    for row in rows.iterator(chunk_size=2000) if chunked else rows:
        yield [column[1](row) for column in columns]


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows) -> Iterator[str]:
    """CSV for Excel with Russian settings (as participants/exports.py): a BOM, `;`, dates as ДД.ММ.ГГГГ."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(headers(rows))
    for row in table_rows(rows, chunked=True):
        yield writer.writerow([
            formats.date_format(c, "d.m.Y") if hasattr(c, "strftime") else safe_cell(c)
            for c in row
        ])


def xlsx_list(rows, *, title: str) -> bytes:
    columns = [
        Column(str(column[0]), 14 if len(column) > 2 else 36, column[2] if len(column) > 2 else None)
        for column in _columns(rows)
    ]
    return workbook_bytes([Sheet(title, columns, table_rows(rows, chunked=True))])
