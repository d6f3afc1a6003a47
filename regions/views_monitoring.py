"""The monitoring page (seed 004, issue 13 §2d): the coordinator enters this year's value of each indicator, grouped
by criterion, with last year's beside it. Indicators that stand for a report figure are computed by the monitoring
report (the reports app, above this one), so here they read «calculated in the report»."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bilet.lists import region_roles, roles_required

from .forms import MonitoringForm, indicator_field_name
from .monitoring import monitoring_rows, value_text
from .region_choice import chosen_region
from .selectors import region_list, region_records_editable
from .services import RecordError, monitoring_values_set
from .services.monitoring import MONITORING_FIRST_YEAR


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
    region = chosen_region(request, regions)
    this_year = timezone.localdate().year
    year = _chosen_year(request, this_year)
    may_edit = region_records_editable(user=request.user, region_id=region.pk)
    editable = may_edit and year == this_year
    groups = monitoring_rows(region=region, year=year)
    entered = [row for group in groups for row in group.rows if not row.computed]
    form = None
    if editable:
        form = MonitoringForm(
            request.POST if request.method == "POST" else None,
            indicators=[row.indicator for row in entered], values={row.indicator.pk: row.value for row in entered},
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
                return redirect(f"{reverse('regions:monitoring')}?{urlencode({'region': region.pk, 'year': year})}")
    sections = [
        {
            "criterion": group.criterion,
            "rows": [
                {
                    "row": row,
                    "field": form[indicator_field_name(row.indicator)] if form and not row.computed else None,
                    "value": value_text(row.unit, row.value),
                    "last_year": "—" if row.computed else value_text(row.unit, row.last_year),
                }
                for row in group.rows
            ],
        }
        for group in groups
    ]
    return render(request, "regions/monitoring.html", {
        "region": region,
        "regions": regions,
        "year": year,
        "this_year": this_year,
        "years": list(range(this_year, MONITORING_FIRST_YEAR - 1, -1)),
        "sections": sections,
        "form": form,
        "may_edit": may_edit,
    }, status=400 if form is not None and form.errors else 200)
