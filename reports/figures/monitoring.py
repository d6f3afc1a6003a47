"""The monitoring indicators of seed 004 (Kemerovo): criteria → indicators with units (Ед., Чел., Да/нет, %), a year's
value beside the year before's. An indicator that names a figure code (SPEC §4) takes its value from the figures of
that year's campaign — the same computation as every other report; the others are the values coordinators enter.

`monitoring_regions` is the one computation of them: the monitoring page (reports/monitoring_views.py) and the
monitoring report (its page, PDF, XLSX and build_report's JSON) both read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from regions.models import Campaign, MonitoringCriterion, MonitoringIndicator, MonitoringValue, Region

from .compute import FigureValues, regions_values
from .definitions import Window, campaign_window
from .report_types import _Windowed


@dataclass
class IndicatorRow:
    indicator: MonitoringIndicator
    this_year: Decimal | int | None
    last_year: Decimal | int | None

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def criterion(self) -> str:
        return self.indicator.criterion.title

    @property
    def unit(self) -> str:  # MonitoringIndicator.Unit value
        return self.indicator.unit

    @property
    def unit_label(self) -> str:
        return str(self.indicator.get_unit_display())

    @property
    def figure_code(self) -> str:
        return self.indicator.figure_code

    @property
    def computed(self) -> bool:
        return bool(self.indicator.figure_code)

    @property
    def values_pair(self) -> tuple:
        return self.this_year, self.last_year


@dataclass
class CriterionRows:
    criterion: MonitoringCriterion
    rows: list[IndicatorRow]


@dataclass
class MonitoringRegion:
    region: Region
    values: FigureValues  # this year's figures (with `figure_codes`: those the indicators need; the others 0)
    indicators: list[IndicatorRow]

    @property
    def criteria(self) -> list[CriterionRows]:
        """The indicators grouped by criterion, in the criteria's order."""
        return [
            CriterionRows(rows[0].indicator.criterion, rows)
            for rows in (list(g) for _pk, g in groupby(self.indicators, key=lambda r: r.indicator.criterion_id))
        ]


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


def campaign_of_year(year: int) -> Campaign | None:
    """The campaign whose figures a year's computed indicators show: the current one if it is of that year, else the
    latest of that year."""
    return Campaign.objects.filter(year=year).order_by("-is_active", "-starts_on").first()


def monitoring_regions(regions: list[Region], *, year: int, campaign: Campaign | None,
                       now: dt.datetime | None = None, all_figures: bool = True) -> list[MonitoringRegion]:
    """Each region's active indicators, in order, with the value of `year` and of the year before: entered, or — for
    an indicator with a figure code — that figure of `campaign` (this year's) and of the year before's campaign
    (`campaign_of_year`).

    A fixed number of queries whatever the number of regions, indicators or students: the indicators, the entered
    values, and each year's figures as GROUP BY region (every figure, or with `all_figures=False` only the sources the
    indicators' figures count)."""
    ids = [r.pk for r in regions]
    indicators = list(
        MonitoringIndicator.objects.filter(active=True).select_related("criterion")
        .order_by("criterion__order", "criterion_id", "order", "pk")
    )
    codes = None if all_figures else {i.figure_code for i in indicators if i.figure_code}
    previous = campaign_of_year(year - 1)
    figures = {
        of_year: regions_values(campaign_window(of_campaign, now), ids, codes=codes) if of_campaign else {}
        for of_year, of_campaign in ((year, campaign), (year - 1, previous))
    }
    entered = {
        (v.indicator_id, v.region_id, v.year): v.value
        for v in MonitoringValue.objects.filter(region__in=ids, year__in=(year, year - 1), indicator__active=True)
    }

    def value(indicator, region_pk, of_year):
        # A year with no campaign has no figures: a value entered for it (before the portal counted) is shown.
        if indicator.figure_code and figures[of_year]:
            return figures[of_year][region_pk].figures[indicator.figure_code]
        return _plain(entered.get((indicator.pk, region_pk, of_year)))

    return [
        MonitoringRegion(
            r, figures[year].get(r.pk) or FigureValues(),
            [IndicatorRow(i, value(i, r.pk, year), value(i, r.pk, year - 1)) for i in indicators],
        )
        for r in regions
    ]


def monitoring_report(*, campaign: Campaign, region: Region | None = None, regions=None,
                      now: dt.datetime | None = None) -> MonitoringReport:
    """The monitoring report of the campaign's year: one region's indicators, or (no `region`) those of every region
    of `regions`."""
    if region is not None:
        chosen = [region]
    else:
        chosen = list((regions if regions is not None else Region.objects.all()).order_by("name"))
    window = campaign_window(campaign, now)
    result = monitoring_regions(chosen, year=campaign.year, campaign=campaign, now=now)
    return MonitoringReport("monitoring", window, campaign.year, result, region)
