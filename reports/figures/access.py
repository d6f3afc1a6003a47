"""Who may read a report's figures and its drill-down lists (SPEC §2): a coordinator their region, a curator the
regions assigned to them, operator staff every region; anybody else, and any region outside the scope, gets 404.
The national summary is for curators (their assigned regions side by side) and operator staff (every region)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from bilet.roles import get_roles
from regions.models import Campaign, Region
from regions.selectors import current_campaign, region_list

from ..selectors import summary_region_list

REGION_TYPES = ("monthly", "campaign")


@dataclass
class ReportRequest:
    report_type: str
    campaign: Campaign
    region: Region | None
    period: dt.date | None
    regions: QuerySet[Region]  # the reader's regions: a summary shows these

    def query(self, **extra) -> str:
        """The page's parameters as a query string, for the links between a report and its lists."""
        params = {"campaign": self.campaign.pk}
        if self.region is not None:
            params["region"] = self.region.code
        if self.period is not None:
            params["period"] = self.period.strftime("%Y-%m")
        return urlencode(params | extra)


def report_regions(*, user, report_type: str) -> QuerySet[Region]:
    roles = get_roles(user)
    if not (roles.operator or roles.region_ids):
        raise Http404
    if report_type == "national":
        regions = summary_region_list(user=user)
        if not regions.exists():
            raise Http404
        return regions
    return region_list(user=user)


def report_request(*, user, report_type: str, region_code: str | None, period: str | None,
                   campaign_id: str | None) -> ReportRequest:
    """The parameters of a report page, each checked against the reader's scope (404 outside it)."""
    regions = report_regions(user=user, report_type=report_type)
    region = None
    if region_code:
        region = regions.filter(code=region_code).first()
        if region is None:
            raise Http404
    elif report_type in REGION_TYPES:
        region = regions.order_by("name").first() if regions.count() == 1 else None
        if region is None:
            raise Http404
    if campaign_id:
        campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id.isdigit() else None
    else:
        campaign = current_campaign()
    if campaign is None:
        raise Http404
    month = None
    if period:
        try:
            month = dt.datetime.strptime(period, "%Y-%m").date()
        except ValueError:
            raise Http404 from None
    elif report_type == "monthly":
        # the last month that has ended: what a coordinator reports on
        month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return ReportRequest(report_type, campaign, region, month, regions)
