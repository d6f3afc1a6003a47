"""Documents of the consents: the pre-filled consent form for the paper original (PDF, WeasyPrint) and the act of
destruction (plain text, UTF-8). The fonts come from fonts-dejavu-core on disk (a WeasyPrint without any font
crashes), loaded through a filesystem base_url."""

import json

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def consent_form_pdf(*, student, guardian_name: str, consent, text) -> bytes:
    from weasyprint import CSS, HTML

    context = {
        "student": student,
        "guardian_name": guardian_name,
        "consent": consent,
        "text": text,
        "today": timezone.localdate(),
    }
    html = render_to_string("participants/consents/form_pdf.html", context)
    # A separate stylesheet: the portal's templates carry no <style> (the CSP is 'self' only, and a test checks).
    css = CSS(string=render_to_string("participants/consents/form_pdf.css", {"font_dir": FONT_DIR}),
              base_url=FONT_DIR + "/")
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css])


def destruction_act_text(act) -> str:
    return render_to_string(
        "participants/consents/act.txt",
        {"act": act, "extract": json.dumps(act.log_extract, ensure_ascii=False, indent=2)},
    )
