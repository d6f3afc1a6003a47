import os
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bilet.lists import paginate, region_roles, roles_required, wants_partial
from bilet.models import PersonalDataAccess
from bilet.roles import get_roles
from bilet.services import client_ip, personal_data_access_record
from regions.selectors import appeal_counts, current_campaign

from . import home_blocks, selectors, services, tasks
from .dashboards.bar_charts import regions_chart
from .dashboards.family import family
from .dashboards.links import url_or_none
from .dashboards.mentor import mentor_pending_recommendations, mentor_upcoming_events
from .dashboards.navigator import navigator_schools
from .dashboards.overdue import overdue_reports, overdue_requests
from .dashboards.figures_by_region import region_figures, region_totals
from .dashboards.venues import coordinator_contracts_flagged, staff_upcoming_events, staff_venues
from .figures.compute import CODES
from .figures.definitions import FIGURES_BY_KEY
from .figures.labels import FIGURE_LABELS
from .forms import DeadlineForm, ReportRequestForm, ReviewForm, SendForm
from .models import PERSONAL_DATA_TYPES, REGIONAL_TYPES, Report


@login_required
def home(request):
    """Where every role lands after signing in: a section of figures for each role the user holds."""
    user = request.user
    roles = get_roles(user)
    campaign = current_campaign()
    context = {"campaign": campaign, "links": _links()}
    if roles.operator:
        rows = region_figures(user=user, campaign=campaign)
        context["operator"] = {
            "totals": region_totals(rows),
            "rows": rows,
            "chart": regions_chart(rows),
        }
    if roles.curator_region_ids:
        rows = region_figures(user=user, region_ids=roles.curator_region_ids, campaign=campaign)
        context["curator"] = {
            "rows": rows,
            "chart": regions_chart(rows),
            "ranking": home_blocks.curator_ranking(user=user, campaign=campaign),
            "overdue_reports": overdue_reports(user=user, region_ids=roles.curator_region_ids),
        }
    if roles.curator_region_ids or roles.coordinator_region_ids:
        context["overdue_requests"] = overdue_requests(user=user)
    if roles.coordinator_region_ids:
        rows = region_figures(user=user, region_ids=roles.coordinator_region_ids, campaign=campaign)
        homes = home_blocks.coordinator_regions(regions=[row.region for row in rows], campaign=campaign)
        for row, home in zip(rows, homes or [None] * len(rows)):
            row.home = home
        context["coordinator"] = rows
        context["coordinator_overdue_reports"] = overdue_reports(
            user=user, region_ids=roles.coordinator_region_ids
        )
        context["coordinator_overdue"] = home_blocks.coordinator_overdue(user=user)
        context["contracts_flagged"] = coordinator_contracts_flagged(user=user, campaign=campaign)
        context["counts"] = appeal_counts(user=user, today=timezone.localdate())
    if roles.navigator_school_ids:
        context["navigator"] = navigator_schools(user=user, campaign=campaign)
    if roles.venue_ids:
        context["venue_staff"] = {
            "venues": staff_venues(user=user, campaign=campaign),
            "events": home_blocks.with_fill_rates(staff_upcoming_events(user=user)),
        }
    if roles.mentor_id is not None:
        pending_count, pending = mentor_pending_recommendations(user=user)
        context["mentor"] = {
            "events": mentor_upcoming_events(user=user),
            "pending_count": pending_count,
            "pending": pending,
        }
    if roles.guardian_id is not None:
        context["guardian"] = family(user=user, campaign=campaign, roles_filter="guardian")
    if roles.student_id is not None:
        context["student"] = family(user=user, campaign=campaign, roles_filter="student")
    return render(request, "reports/home.html", context)


def _links() -> dict:
    names = {
        "catalog": "venues:catalog",
        "my_bookings": "venues:my_bookings",
        "school_bookings": "venues:school_bookings",
        "event_manage_list": "venues:event_manage_list",
        "mentor_recommendations": "venues:mentor_recommendations",
        "student_list": "participants:student_list",
        "event_create": "venues:event_create",
    }
    return {key: url_or_none(name) for key, name in names.items()}


# --- Stored reports: asking, progress, history, downloads, sending and accepting (issue 13 §3–6, §8) ------------------

REPORT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@roles_required(region_roles)
@require_GET
def report_list(request):
    """The history: every build within the user's scope, newest first, with where it stands with the operator."""
    page = paginate(request, selectors.report_list(user=request.user))
    return _list_response(request, "reports/report_list.html", {"page_obj": page})


def _list_response(request, template: str, context: dict):
    response = render(request, f"{template}#results" if wants_partial(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@roles_required(region_roles)
@require_http_methods(["GET", "POST"])
def report_new(request):
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                report, created = services.report_request(
                    actor=request.user, report_type=data["report_type"], region=data["region"],
                    campaign=data["campaign"], period=data["period"],
                )
                if created:
                    tasks.report_enqueue(report)
        except services.ReportError as exc:
            form.add_error(None, str(exc))
        else:
            if not created:
                messages.info(request, _existing_message(report))
            return redirect("reports:report_detail", report.pk)
    return render(request, "reports/report_new.html", {"form": form})


def _existing_message(report) -> str:
    if report.state == report.State.READY:
        return gettext(
            "A report with these parameters is already built (%(when)s): download it, or build it again with "
            "today's figures."
        ) % {"when": date_format(timezone.localtime(report.finished_at), "j E Y, H:i")}
    return gettext("A report with these parameters is already being built: its progress is below.")


def _report_actions(user, report) -> dict:
    """Which forms the page offers; the services decide again when one is used."""
    roles = get_roles(user)
    state = report.submission_state
    sendable = report.region_id is not None and report.report_type in REGIONAL_TYPES
    return {
        "can_rebuild": report.is_current and report.is_finished,
        "can_send": (
            sendable and report.is_current and report.state == Report.State.READY
            and report.region_id in roles.coordinator_region_ids and state not in ("sent", "accepted")
        ),
        "can_review": (
            sendable and state == "sent" and report.submission_report_id == report.pk
            and (roles.operator or report.region_id in roles.curator_region_ids)
        ),
    }


def _report_query(report) -> str:
    params = {"campaign": report.campaign_id}
    if report.region_id:
        params["region"] = report.region.code
    if report.period:
        params["period"] = f"{report.period:%Y-%m}"
    return urlencode(params)


def _snapshot_rows(report) -> list[dict]:
    """The figures a region's report was built with, each linking to the records it counts (issue 13 §9: the lists
    are read now, so a figure that has moved since the build shows the difference)."""
    if report.state != Report.State.READY or report.region_id is None:
        return []
    query = _report_query(report)
    drilldown = report.report_type in ("monthly", "campaign")
    rows = []
    # In the order of SPEC §4 (PostgreSQL's jsonb keeps its keys in an order of its own).
    for code in [*CODES, *sorted(set(report.figures) - set(CODES))]:
        value = report.figures.get(code)
        if not isinstance(value, int):
            continue  # participants per nosology: the PDF and XLSX show them
        url = None
        if drilldown and code in FIGURES_BY_KEY:
            url = f"{reverse('reports:figure_list', args=[report.report_type, code])}?{query}"
        rows.append({
            "code": code, "label": FIGURE_LABELS.get(code, code), "value": value,
            "period": report.period_figures.get(code), "url": url,
        })
    return rows


@roles_required(region_roles)
@require_GET
def report_detail(request, pk: int):
    """A report's page: its progress while it is built (HTMX asks for the status part every second; without
    JavaScript the page refreshes itself), then its files, figures and its way to the operator."""
    report = selectors.report_get(user=request.user, pk=pk)
    context = {
        "report": report,
        "events": selectors.submission_events(report=report),
        "figure_rows": _snapshot_rows(report),
        "preview_url": f"{reverse('reports:report_preview', args=[report.report_type])}?{_report_query(report)}",
        "send_form": SendForm(),
        "review_form": ReviewForm(),
        "current": None if report.is_current else selectors.report_list(user=request.user)
        .filter(parameters_key=report.parameters_key, is_current=True).first(),
        **_report_actions(request.user, report),
    }
    template = "reports/report_detail.html"
    response = render(request, f"{template}#status" if wants_partial(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


@roles_required(region_roles)
@require_GET
def report_download(request, pk: int, kind: str):
    """One of the report's files, from the storage, to the user who may see the report; a download of a list of
    people (the XLSX of a monthly or campaign report) is written to the personal-data log first."""
    report = selectors.report_get(user=request.user, pk=pk)
    field = getattr(report, kind, None) if kind in REPORT_CONTENT_TYPES else None
    if report.state != Report.State.READY or not field:
        raise Http404
    if kind == "xlsx" and report.report_type in PERSONAL_DATA_TYPES:
        personal_data_access_record(
            user=request.user,
            kind=PersonalDataAccess.Kind.DOWNLOAD,
            what=gettext("Report: %(report)s (XLSX)") % {"report": report},
            scope=report.region.name if report.region_id else gettext("all regions"),
            query=report.parameters_key,
            ip=client_ip(request),
        )
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=os.path.basename(field.name),
        content_type=REPORT_CONTENT_TYPES[kind],
    )


@roles_required(region_roles)
@require_POST
def report_rebuild(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        with transaction.atomic():
            new, created = services.report_request(
                actor=request.user, report_type=report.report_type, region=report.region, campaign=report.campaign,
                period=report.period, rebuild=True, regions=report.regions.all() if report.region_id is None else None,
            )
            if created:
                tasks.report_enqueue(new)
    except services.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:report_detail", report.pk)
    return redirect("reports:report_detail", new.pk)


@roles_required(region_roles)
@require_POST
def report_send(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("The comment is too long."))
        return redirect("reports:report_detail", report.pk)
    try:
        with transaction.atomic():
            submission = services.report_send(actor=request.user, report=report, comment=form.cleaned_data["comment"])
            tasks.report_sent_notify(submission)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("The report is sent to the curator."))
    return redirect("reports:report_detail", report.pk)


@roles_required(region_roles)
@require_POST
def report_review(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose whether to accept the report or return it."))
        return redirect("reports:report_detail", report.pk)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    review, done = (
        (services.report_accept, gettext("The report is accepted."))
        if decision == "accept"
        else (services.report_return, gettext("The report is returned to the coordinator."))
    )
    try:
        review(actor=request.user, report=report, comment=comment)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("reports:report_detail", report.pk)


@roles_required(region_roles)
@require_http_methods(["GET", "POST"])
def deadline_list(request):
    """The monthly reports' deadlines of the user's regions and where each report stands; a curator sets them."""
    roles = get_roles(request.user)
    may_set = roles.operator or bool(roles.curator_region_ids)
    form = DeadlineForm(request.POST or None, user=request.user) if may_set else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_deadline_set(
                    actor=request.user, region=data["region"], period=data["period"], due_on=data["due_on"]
                )
            except services.ReportError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, gettext("The deadline is set."))
                return redirect("reports:deadline_list")
    page = paginate(request, selectors.deadline_list(user=request.user).order_by("-period", "region__name"))
    return _list_response(request, "reports/deadline_list.html", {"form": form, "page_obj": page})
