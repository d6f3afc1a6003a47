"""The roadmap as files to send on: an XLSX laid out like the seeds' tables (a title, the header, each section's heading
across the row, multi-line cells) that the import reads back, and a PDF of the same table."""

import io

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bilet.exports import safe_cell
from bilet.pdf import pdf_from_templates

from .sections import Section
from .table import column_labels

COLUMNS = ("number", "activity", "period", "responsible", "result", "status", "comment")
WIDTHS = {"number": 8, "activity": 60, "period": 22, "responsible": 34, "result": 30, "status": 16, "comment": 30}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def title_of(region, campaign) -> str:
    return _("Roadmap: %(region)s, %(campaign)s") % {"region": region.name, "campaign": campaign.name}


def _cells(item) -> dict:
    return {
        "number": item.number, "activity": item.activity, "period": item.period_text,
        "responsible": item.responsible, "result": item.expected_result,
        "status": "" if item.is_heading else capfirst(item.get_status_display()), "comment": item.comment,
    }


def _spans_the_row(head) -> bool:
    """A heading with nothing but its title is written across the row, as the seeds write theirs."""
    return head.is_heading and not (head.responsible or head.expected_result or head.comment)


def roadmap_xlsx(*, region, campaign, sections: list[Section]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Roadmap"))[:31]
    last = get_column_letter(len(COLUMNS))
    wrap, bold = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
    sheet.append([safe_cell(title_of(region, campaign))])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    labels = column_labels()
    sheet.append([str(labels[key]) for key in COLUMNS])
    for position, key in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = WIDTHS[key]
        sheet.cell(row=3, column=position).font = bold
    sheet.freeze_panes = "A4"
    for section in sections:
        rows = ([section.head] if section.head is not None else []) + section.items
        for item in rows:
            if item is section.head and _spans_the_row(item):
                sheet.append([safe_cell(f"{item.number}. {item.activity}")])
                line = sheet.max_row
                sheet.merge_cells(f"A{line}:{last}{line}")
            else:
                cells = _cells(item)
                sheet.append([safe_cell(cells[key]) for key in COLUMNS])
                line = sheet.max_row
            for cell in sheet[line]:
                cell.alignment = wrap
                if item is section.head:
                    cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roadmap_pdf(*, region, campaign, sections: list[Section], counts: dict) -> bytes:
    labels = column_labels()
    context = {
        "title": title_of(region, campaign), "region": region, "campaign": campaign, "sections": sections,
        "counts": counts, "labels": labels, "built_at": timezone.localtime(),
    }
    return pdf_from_templates("regions/roadmap/pdf.html", "regions/roadmap/pdf.css", context)


def file_name(region, campaign, extension: str) -> str:
    return f"roadmap-{region.code}-{campaign.year}.{extension}"
