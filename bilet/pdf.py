"""A PDF of the portal (the reports, the roadmap, the consent form): an HTML template and its stylesheet template
rendered by WeasyPrint. The fonts from disk (fonts-dejavu-core has Cyrillic, and WeasyPrint without any font
crashes), the stylesheet apart from the HTML (the portal's templates carry no <style>: the CSP allows 'self' only)."""

import logging

from django.conf import settings
from django.template.loader import render_to_string

# WeasyPrint logs every page it lays out at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def pdf_from_templates(template: str, stylesheet: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML  # imported when a PDF is built: it loads pango and cairo

    context = {**context, "font_dir": FONT_DIR}
    css = CSS(string=render_to_string(stylesheet, context), base_url=FONT_DIR + "/")
    return HTML(string=render_to_string(template, context), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[css]
    )
