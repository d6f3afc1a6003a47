"""The monitoring indicators of seed 004 laid out for a page or a report: criteria, their indicators, this year's
value beside last year's.

An indicator with a figure code stands for a report figure (SPEC §4). The regions app sits below the reports app and
does not compute figures: the caller passes them in `computed` (the monitoring report passes its figures object; the
coordinator's page passes nothing and shows those indicators as computed in the report).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Number

from django.utils.formats import number_format
from django.utils.translation import pgettext

from .models import MonitoringCriterion, MonitoringIndicator, MonitoringValue, Region


@dataclass
class MonitoringRow:
    indicator: MonitoringIndicator
    value: Decimal | Number | None  # this year's: entered, or the computed figure
    last_year: Decimal | None  # entered last year (computed indicators: None — the report has one year's figures)
    computed: bool

    @property
    def unit(self) -> str:
        return self.indicator.unit


@dataclass
class MonitoringGroup:
    criterion: MonitoringCriterion
    rows: list[MonitoringRow] = field(default_factory=list)


def monitoring_rows(*, region: Region, year: int, computed: dict[str, Number] | None = None) -> list[MonitoringGroup]:
    """Active indicators grouped by criterion, in order, with `region`'s values for `year` and `year - 1`.

    `computed` maps figure codes to numbers; a computed indicator whose code it lacks has the value None. Two queries,
    whatever the number of indicators.
    """
    computed = computed or {}
    indicators = (
        MonitoringIndicator.objects.filter(active=True)
        .select_related("criterion")
        .order_by("criterion__order", "criterion_id", "order", "pk")
    )
    values = {
        (indicator_id, year_): value
        for indicator_id, year_, value in MonitoringValue.objects.filter(
            region=region, year__in=[year, year - 1], indicator__active=True
        ).values_list("indicator_id", "year", "value")
    }
    groups: dict[int, MonitoringGroup] = {}
    for indicator in indicators:
        group = groups.setdefault(indicator.criterion_id, MonitoringGroup(criterion=indicator.criterion))
        if indicator.figure_code:
            row = MonitoringRow(indicator, computed.get(indicator.figure_code), None, computed=True)
        else:
            row = MonitoringRow(
                indicator, values.get((indicator.pk, year)), values.get((indicator.pk, year - 1)), computed=False
            )
        group.rows.append(row)
    return list(groups.values())


def value_text(unit: str, value) -> str:
    """A value as a reader sees it: «да»/«нет», «37,5 %», «1 250»; «—» when there is none."""
    if value is None:
        return "—"
    if unit == MonitoringIndicator.Unit.YES_NO:
        return str(pgettext("monitoring answer", "yes") if value else pgettext("monitoring answer", "no"))
    number = Decimal(value).normalize() if not isinstance(value, int) else value
    if isinstance(number, Decimal) and number == number.to_integral_value():
        number = int(number)
    text = number_format(number, force_grouping=True)
    return f"{text} %" if unit == MonitoringIndicator.Unit.PERCENT else text
