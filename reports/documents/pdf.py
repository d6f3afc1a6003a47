"""A report's PDF: an HTML template rendered by WeasyPrint, fonts from disk, charts as vector SVG."""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string

# WeasyPrint logs every page it lays out at INFO; a report's build logs only what went wrong.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# fonts-dejavu-core (Debian): with no font at all WeasyPrint crashes, and DejaVu has Cyrillic.
FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML  # imported when a PDF is built: it loads pango and cairo

    context = {**context, "font_dir": FONT_DIR}
    html = render_to_string(template, context)
    css = CSS(string=render_to_string("reports/pdf/report.css", context), base_url=str(settings.BASE_DIR))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css])
