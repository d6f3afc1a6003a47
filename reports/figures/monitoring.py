"""The monitoring indicators of seed 004 (Kemerovo): criteria → indicators with units, this year's and last year's
values; an indicator that names a figure code takes its value from the figures."""

from __future__ import annotations

import dataclasses

from regions.models import Region

from .report_types import campaign_report, national_report


def monitoring_report(*, campaign, region=None, regions=None):
    if region is not None:
        return dataclasses.replace(campaign_report(campaign=campaign, region=region), report_type="monitoring")
    report = national_report(campaign=campaign, regions=regions if regions is not None else Region.objects.all())
    return dataclasses.replace(report, report_type="monitoring")
