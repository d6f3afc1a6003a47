"""The monitoring indicators of seed 004 (Kemerovo): criteria → indicators with units (Ед., Чел., Да/нет, %), this
year's value beside last year's. An indicator that names a figure code (SPEC §4) takes its value from the figures of
that year's campaign — the same computation as every other report; the others are the values coordinators enter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from regions.models import Campaign, MonitoringIndicator, MonitoringValue, Region

from .compute import FigureValues, regions_values
from .definitions import Window, campaign_window
from .report_types import _Windowed


@dataclass
class IndicatorRow:
    criterion: str
    indicator: str
    unit: str  # MonitoringIndicator.Unit value
    unit_label: str
    figure_code: str
    this_year: Decimal | int | None
    last_year: Decimal | int | None

    @property
    def values_pair(self) -> tuple:
        return self.this_year, self.last_year


@dataclass
class MonitoringRegion:
    region: Region
    values: FigureValues
    indicators: list[IndicatorRow]


@dataclass
class MonitoringReport(_Windowed):
    report_type: str
    window: Window
    year: int
    regions: list[MonitoringRegion] = field(default_factory=list)
    region: Region | None = None
    period: dt.date | None = None

    @property
    def rows(self):  # the national shape: build_report prints {region code: figures}
        return self.regions


def _plain(value: Decimal | None) -> Decimal | int | None:
    """31.00 entered as a count reads «31», 44.20 as a per cent «44,2»."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def monitoring_report(*, campaign: Campaign, region: Region | None = None, regions=None,
                      now: dt.datetime | None = None) -> MonitoringReport:
    """One region's indicators, or (no `region`) those of every region of `regions`, in a fixed number of queries."""
    if region is not None:
        chosen = [region]
    else:
        chosen = list((regions if regions is not None else Region.objects.all()).order_by("name"))
    ids = [r.pk for r in chosen]
    window = campaign_window(campaign, now)
    year = campaign.year
    this_year = regions_values(window, ids)
    previous = Campaign.objects.filter(year=year - 1).order_by("-starts_on").first()
    last_year = regions_values(campaign_window(previous, now), ids) if previous else {}
    indicators = list(MonitoringIndicator.objects.filter(active=True).select_related("criterion"))
    entered = {
        (v.indicator_id, v.region_id, v.year): v.value
        for v in MonitoringValue.objects.filter(region__in=ids, year__in=(year, year - 1))
    }

    def value(indicator, region_pk, of_year, figures):
        if indicator.figure_code and figures is not None:
            return figures.figures[indicator.figure_code]
        return _plain(entered.get((indicator.pk, region_pk, of_year)))

    result = []
    for r in chosen:
        rows = [
            IndicatorRow(
                criterion=i.criterion.title, indicator=i.name, unit=i.unit, unit_label=str(i.get_unit_display()),
                figure_code=i.figure_code,
                this_year=value(i, r.pk, year, this_year[r.pk]),
                last_year=value(i, r.pk, year - 1, last_year.get(r.pk)),
            )
            for i in indicators
        ]
        result.append(MonitoringRegion(r, this_year[r.pk], rows))
    return MonitoringReport("monitoring", window, year, result, region)
