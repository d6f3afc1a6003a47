"""A report's page before it is built — its figures, charts and the records behind every figure (issue 13 §9)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bilet.models import PersonalDataAccess
from bilet.services import client_ip, personal_data_access_record

from .building import REPORT_TYPES, build_figures, chart_uris, figure_rows, nosology_rows, target_rows
from .documents.lists import csv_lines, headers, list_queryset, table_rows, xlsx_list
from .figures.access import report_request
from .figures.definitions import FIGURES_BY_KEY, campaign_window, month_window
from .figures.drilldown import scoped_figure_rows
from .figures.labels import FIGURE_LABELS, MODE_LABELS, NOSOLOGY_LABELS, REPORT_TITLES
from .figures.report_types import RegionReport

PAGE_SIZE = 50


def _params(request, report_type):
    if report_type not in REPORT_TYPES:
        raise Http404
    return report_request(
        user=request.user, report_type=report_type, region_code=request.GET.get("region"),
        period=request.GET.get("period"), campaign_id=request.GET.get("campaign"),
    )


@login_required
def report_preview(request, report_type):
    params = _params(request, report_type)
    report = build_figures(report_type=report_type, campaign=params.campaign, region=params.region,
                           period=params.period if report_type in ("monthly", "national") else None,
                           regions=params.regions)
    context = {
        "report": report,
        "params": params,
        "title": REPORT_TITLES[report_type],
        "charts": chart_uris(report),
        "drilldown": report_type in ("monthly", "campaign") or (report_type == "monitoring" and params.region),
    }
    if isinstance(report, RegionReport):
        context |= {"figure_rows": figure_rows(report.values), "nosology_rows": nosology_rows(report.values),
                    "target_rows": target_rows(report), "figure_keys": set(FIGURES_BY_KEY)}
    return render(request, "reports/figures/preview.html", context)


def _figure_title(key: str) -> str:
    code, _sep, of = key.partition(".")
    if not of:
        return str(FIGURE_LABELS[code])
    nosology, mode = of.split(".")
    return f"{FIGURE_LABELS[code]}: {NOSOLOGY_LABELS[nosology]}, {MODE_LABELS[mode]}"


@login_required
def figure_list(request, report_type, key):
    """The records a figure counts, within the reader's scope: paginated, or the whole list as CSV or XLSX."""
    if key not in FIGURES_BY_KEY or report_type == "national" or (report_type == "monitoring"
                                                                    and not request.GET.get("region")):
        raise Http404
    params = _params(request, report_type)
    window = month_window(params.campaign, params.period) if report_type == "monthly" else (
        campaign_window(params.campaign))
    within = request.GET.get("within") == "1"
    rows = list_queryset(scoped_figure_rows(user=request.user, key=key, window=window, region=params.region,
                                            within_period=within))
    title = _figure_title(key)
    stem = f"{key}-{params.region.code}-{params.period:%Y-%m}" if params.period else f"{key}-{params.region.code}"
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        # students' names, navigators' names: an export of a figure's records is a personal-data export (152-ФЗ)
        personal_data_access_record(
            user=request.user, kind=PersonalDataAccess.Kind.EXPORT,
            what=_("Records of the figure «%(figure)s» (%(format)s)") % {"figure": title, "format": export.upper()},
            scope=params.region.name, query=request.GET.urlencode(), row_count=rows.count(), ip=client_ip(request),
        )
    if export == "csv":
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            xlsx_list(rows, title=title[:31]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/figures/figure_list.html", {
        "params": params, "title": title, "key": key, "within": within, "page_obj": page,
        "headers": headers(rows), "rows": list(table_rows(page.object_list)),
        "report_title": REPORT_TITLES[report_type], "report_type": report_type,
        "empty_text": _("No records."),
    })
