"""The monitoring page (seed 004, issue 13 §2d): the coordinator enters this year's value of each indicator, grouped
by criterion, with last year's beside it. Its values — entered, or computed from the report figures for an indicator
that stands for one — are the monitoring report's own computation (`reports.figures.monitoring.monitoring_regions`),
so the page, the PDF, the XLSX and build_report never disagree."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bilet.lists import region_roles, roles_required
from bilet.roles import get_roles
from regions.forms import MonitoringForm, indicator_field_name
from regions.models import MonitoringIndicator
from regions.selectors import region_list, region_records_editable
from regions.services import RecordError, monitoring_values_set
from regions.services.monitoring import MONITORING_FIRST_YEAR

from .figures.monitoring import campaign_of_year, monitoring_regions


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


def _chosen_region(request, regions: list):
    """The region of `?region=` among the user's (404 outside them); by default the one the user coordinates."""
    raw = request.GET.get("region", "")
    if raw:
        chosen = next((r for r in regions if str(r.pk) == raw), None)
        if chosen is None:
            raise Http404
        return chosen
    own = get_roles(request.user).coordinator_region_ids
    return next((r for r in regions if r.pk in own), regions[0])


def _chosen_year(request, this_year: int) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return this_year
    if not raw.isdigit() or not MONITORING_FIRST_YEAR <= int(raw) <= this_year:
        raise Http404
    return int(raw)


@roles_required(region_roles)
def monitoring(request):
    regions = list(region_list(user=request.user).order_by("name"))
    if not regions:
        raise Http404
    region = _chosen_region(request, regions)
    this_year = timezone.localdate().year
    year = _chosen_year(request, this_year)
    may_edit = region_records_editable(user=request.user, region_id=region.pk)
    editable = may_edit and year == this_year
    campaign = campaign_of_year(year)
    (values,) = monitoring_regions([region], year=year, campaign=campaign, all_figures=False)
    entered = [row for row in values.indicators if not row.computed]
    form = None
    if editable:
        form = MonitoringForm(
            request.POST if request.method == "POST" else None,
            indicators=[row.indicator for row in entered], values={row.indicator.pk: row.this_year for row in entered},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied  # a curator, or a past year: the page is read-only
        if form.is_valid():
            try:
                changed = monitoring_values_set(actor=request.user, region=region, year=year, values=form.values())
            except RecordError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Monitoring values saved: %(count)s changed.") % {"count": changed})
                return redirect(f"{reverse('reports:monitoring')}?{urlencode({'region': region.pk, 'year': year})}")
    sections = [
        {
            "criterion": group.criterion,
            "rows": [
                {
                    "row": row,
                    "field": form[indicator_field_name(row.indicator)] if form and not row.computed else None,
                    "value": value_text(row.unit, row.this_year),
                    "last_year": value_text(row.unit, row.last_year),
                }
                for row in group.rows
            ],
        }
        for group in values.criteria
    ]
    return render(request, "reports/monitoring.html", {
        "region": region,
        "regions": regions,
        "year": year,
        "this_year": this_year,
        "campaign": campaign,
        "years": list(range(this_year, MONITORING_FIRST_YEAR - 1, -1)),
        "sections": sections,
        "form": form,
        "may_edit": may_edit,
    }, status=400 if form is not None and form.errors else 200)
