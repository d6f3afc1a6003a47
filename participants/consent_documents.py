"""Documents of the consents: the pre-filled consent form for the paper original (PDF, rendered by `bilet/pdf.py`
with its own stylesheet) and the act of destruction (plain text, UTF-8)."""

import json

from django.template.loader import render_to_string
from django.utils import timezone

from bilet.pdf import pdf_from_templates


def consent_form_pdf(*, student, guardian_name: str, consent, text) -> bytes:
    context = {
        "student": student,
        "guardian_name": guardian_name,
        "consent": consent,
        "text": text,
        "today": timezone.localdate(),
    }
    return pdf_from_templates("participants/consents/form_pdf.html", "participants/consents/form_pdf.css", context)


def destruction_act_text(act) -> str:
    return render_to_string(
        "participants/consents/act.txt",
        {"act": act, "extract": json.dumps(act.log_extract, ensure_ascii=False, indent=2)},
    )
