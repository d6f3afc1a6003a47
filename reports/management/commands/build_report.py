"""SPEC §6: build one report in the foreground exactly as the Celery job does, write its PDF and XLSX into a folder,
print one JSON object with every figure of SPEC §4 by its code."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regions.models import Campaign, Region
from regions.selectors import current_campaign
from reports.building import REPORT_TYPES, render_report


class Command(BaseCommand):
    help = "Build a report (monthly, campaign, national, monitoring): PDF and XLSX into --out, its figures as JSON."

    def add_arguments(self, parser):
        parser.add_argument("type", help=f"report type: {', '.join(REPORT_TYPES)}")
        parser.add_argument("--region", help="region code, e.g. 71 (monthly and campaign reports)")
        parser.add_argument("--period", help="month YYYY-MM (monthly report)")
        parser.add_argument("--campaign", type=int, help="campaign id (default: the current campaign)")
        parser.add_argument(
            "--regions", help="region codes separated by commas, e.g. 71,67: the national summary of these regions "
            "only, as a curator of them has it built (default: every region)",
        )
        parser.add_argument("--out", required=True, help="folder for the PDF and XLSX files")

    def handle(self, *args, type, region, period, campaign, out, regions=None, **options):
        report_type = type
        if report_type not in REPORT_TYPES:
            raise CommandError(
                _("Unknown report type «%(type)s»: choose one of %(types)s.")
                % {"type": report_type, "types": ", ".join(REPORT_TYPES)}
            )
        region_obj = None
        if region:
            region_obj = Region.objects.filter(code=region).first()
            if region_obj is None:
                raise CommandError(_("No region with the code «%(code)s».") % {"code": region})
        summary_regions = self._summary_regions(regions) if regions else None
        month = None
        if period:
            try:
                month = dt.datetime.strptime(period, "%Y-%m").date()
            except ValueError:
                raise CommandError(_("The period must be a month as YYYY-MM, e.g. 2026-11.")) from None
        if campaign is not None:
            campaign_obj = Campaign.objects.filter(pk=campaign).first()
            if campaign_obj is None:
                raise CommandError(_("No campaign with the id %(id)s.") % {"id": campaign})
        else:
            campaign_obj = current_campaign()
            if campaign_obj is None:
                raise CommandError(_("There is no current campaign: give one with --campaign ID."))
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(_("Cannot create the folder %(path)s: %(error)s") % {"path": out, "error": exc}) from exc
        try:
            rendered = render_report(
                report_type=report_type, campaign=campaign_obj, region=region_obj, period=month,
                regions=summary_regions, author="build_report",
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        files = []
        for suffix, content in ((".pdf", rendered.pdf), (".xlsx", rendered.xlsx)):
            path = folder / f"{rendered.filename_stem}{suffix}"
            path.write_bytes(content)
            files.append(str(path))
        result = {
            "type": report_type,
            "region": region_obj.code if region_obj else None,
            "period": rendered.period.strftime("%Y-%m") if rendered.period else None,
            "campaign": campaign_obj.pk,
            "files": files,
            "figures": rendered.figures,
            "period_figures": rendered.period_figures,
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    @staticmethod
    def _summary_regions(codes: str):
        wanted = {code.strip() for code in codes.split(",") if code.strip()}
        regions = Region.objects.filter(code__in=wanted)
        missing = wanted - set(regions.values_list("code", flat=True))
        if missing or not wanted:
            raise CommandError(
                _("No region with the code «%(code)s».") % {"code": ", ".join(sorted(missing)) or codes}
            )
        return regions
