"""Sheets of the records a coordinator keeps (promotion, team training, training needs, photos and videos): one row
per record."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .xlsx import DATE, INTEGER, Column, Sheet


def record_sheets(records: dict) -> list[Sheet]:
    if not records:
        return []
    return [
        Sheet(_("Promotion"), [
            Column(_("Date"), 12, DATE), Column(_("Kind"), 22), Column(_("Title"), 50), Column(_("Link"), 40),
            Column(_("Reach"), 12, INTEGER),
        ], ([m.held_on, m.get_kind_display(), m.title, m.link, m.reach] for m in records["promotion_measures"])),
        Sheet(_("Team training"), [
            Column(_("Completed on"), 12, DATE), Column(pgettext("person", "Full name"), 36), Column(_("Role"), 30),
            Column(_("Course or webinar"), 44), Column(_("Format"), 12), Column(_("Certificate"), 12),
        ], ([t.completed_on, t.person_name, t.get_role_display(), t.course, t.get_format_display(),
             bool(t.certificate)] for t in records["team_trainings"])),
        Sheet(_("Training needs"), [
            Column(_("Topic"), 50), Column(_("Audience"), 30), Column(_("Number of people"), 12, INTEGER),
            Column(_("Wished month"), 14, "MMMM YYYY"),
        ], ([n.topic, n.get_audience_display(), n.people_count, n.wished_month] for n in records["training_needs"])),
        Sheet(_("Photos and videos"), [
            Column(_("Uploaded"), 12, DATE), Column(_("Kind"), 10), Column(_("Event"), 40), Column(_("Caption"), 40),
            Column(_("File name"), 30), Column(_("Uploaded by"), 30),
        ], ([timezone.localdate(m.uploaded_at), m.get_kind_display(),
             m.event.title if m.event else _("The region's work"), m.caption, m.original_name, _uploader(m)]
            for m in records["media_files"])),
    ]


def _uploader(media) -> str:
    user = media.uploaded_by
    return (user.get_full_name() or user.email) if user is not None else ""
