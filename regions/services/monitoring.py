"""Monitoring values (seed 004, issue 13 §2d): the coordinator enters a year's value of each indicator; indicators
that stand for a report figure are computed, never entered."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import MonitoringIndicator, MonitoringValue, Region
from .errors import RecordError, require_region_editor

# Seed 004 is the roadmap for 2018–2027: the first year a value can belong to.
MONITORING_FIRST_YEAR = 2018
VALUE_MAX = Decimal("999999999999")  # what the column (14 digits, 2 after the point) holds
Unit = MonitoringIndicator.Unit


def monitoring_value_check(*, indicator: MonitoringIndicator, value) -> Decimal | None:
    """`value` as it would be stored for `indicator` (None: no value), or RecordError naming what is wrong."""
    field = f"indicator_{indicator.pk}"
    if indicator.figure_code:
        raise RecordError(
            _("«%(indicator)s» is computed from the report's figures and is not entered by hand.")
            % {"indicator": indicator.name},
            field=field,
        )
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise RecordError(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise RecordError(_("Enter a number."), field=field)
    if indicator.unit == Unit.YES_NO:
        if number not in (0, 1):
            raise RecordError(_("Answer yes or no."), field=field)
    elif indicator.unit == Unit.PERCENT:
        if not 0 <= number <= 100:
            raise RecordError(_("A percentage is a number from 0 to 100."), field=field)
        if number != number.quantize(Decimal("0.01")):
            raise RecordError(_("A percentage has at most two decimal places."), field=field)
    elif number < 0 or number != number.to_integral_value() or number > VALUE_MAX:
        raise RecordError(_("Enter a whole number, 0 or more."), field=field)
    return number.quantize(Decimal("0.01"))


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if year > this_year:
        raise RecordError(_("Values for %(year)s can be entered once the year has come.") % {"year": year})
    if year < MONITORING_FIRST_YEAR:
        raise RecordError(
            _("Monitoring values are kept from %(year)s, the first year of the roadmap.")
            % {"year": MONITORING_FIRST_YEAR}
        )


def _write(*, actor, indicator: MonitoringIndicator, region: Region, year: int, value) -> MonitoringValue | None:
    """Store (or, for None, remove) one value once the caller has checked the actor and the year."""
    if not indicator.active:
        raise RecordError(
            _("The indicator «%(indicator)s» is no longer in use.") % {"indicator": indicator.name},
            field=f"indicator_{indicator.pk}",
        )
    number = monitoring_value_check(indicator=indicator, value=value)
    current = MonitoringValue.objects.select_for_update().filter(indicator=indicator, region=region, year=year).first()
    if number is None:
        if current is not None:
            current.delete()
        return None
    if current is None:
        try:
            with transaction.atomic():  # a savepoint: a failed insert leaves the caller's transaction usable
                return MonitoringValue.objects.create(
                    indicator=indicator, region=region, year=year, value=number, entered_by=actor
                )
        except IntegrityError:
            # Two first entries at once: the unique constraint (indicator, region, year) let one insert through;
            # this one becomes an update of that row, under its lock.
            current = MonitoringValue.objects.select_for_update().get(indicator=indicator, region=region, year=year)
    if current.value != number:
        current.value, current.entered_by = number, actor
        current.save(update_fields=["value", "entered_by", "updated_at"])
    return current


@transaction.atomic
def monitoring_value_set(*, actor, indicator: MonitoringIndicator, region: Region, year: int,
                         value) -> MonitoringValue | None:
    """Set `region`'s value of `indicator` for `year` (None removes it); the value is checked against the unit."""
    require_region_editor(actor, region.pk)
    _check_year(year)
    return _write(actor=actor, indicator=indicator, region=region, year=year, value=value)


@transaction.atomic
def monitoring_values_set(*, actor, region: Region, year: int, values: dict[MonitoringIndicator, object]) -> int:
    """The monitoring page's form: every value at once, all or nothing. Returns how many values changed."""
    require_region_editor(actor, region.pk)
    _check_year(year)
    before = dict(
        MonitoringValue.objects.filter(region=region, year=year, indicator__in=list(values))
        .values_list("indicator_id", "value")
    )
    changed = 0
    for indicator, value in values.items():
        number = monitoring_value_check(indicator=indicator, value=value)
        if number == before.get(indicator.pk):
            continue
        _write(actor=actor, indicator=indicator, region=region, year=year, value=number)
        changed += 1
    return changed

