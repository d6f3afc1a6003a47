"""The region's roadmap (issue 15 §2): one region's items for one campaign, by section, with its files.

Who: the region's coordinator writes it (item by item, or from a table shaped like seeds 001 and 004); the region's
curators and operator staff read it and download it. Another region's roadmap or item answers 404, like one that does
not exist; a reader who opens a form gets 403 (they can see the roadmap, not change it). The rules are
regions.services.roadmap's.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from bilet.lists import region_roles, roles_required, wants_partial

from .forms import RoadmapFilterForm, RoadmapImportForm, RoadmapItemForm, roadmap_item_initial
from .models import RoadmapItem
from .region_choice import chosen_campaign, chosen_region
from .roadmap import documents
from .roadmap.links import roadmap_url
from .roadmap.sections import sections_of
from .roadmap.table import column_labels
from .selectors import (
    campaign_list,
    coordinated_region_list,
    region_list,
    roadmap_counts,
    roadmap_editable,
    roadmap_item_list,
    roadmap_rows,
)
from .services import RecordError
from .services.roadmap import roadmap_import, roadmap_item_create, roadmap_item_delete, roadmap_item_update


def _choices(request, regions):
    """The regions and campaigns to choose from, and the region (one of `regions`; 404 otherwise) and the campaign
    (404 for one that does not exist) asked for."""
    regions, campaigns = list(regions.order_by("name")), list(campaign_list())
    if not regions:
        raise PermissionDenied  # a reader of the region, who writes nothing there
    return regions, campaigns, chosen_region(request, regions), chosen_campaign(request, campaigns)


@roles_required(region_roles)
@require_GET
def roadmap_list(request):
    regions, campaigns, region, campaign = _choices(request, region_list(user=request.user))
    data = request.GET.copy()
    data["region"], data["campaign"] = str(region.pk), str(campaign.pk) if campaign else ""
    form = RoadmapFilterForm(data, regions=regions, campaigns=campaigns)
    problems = []
    if not form.is_valid():
        problems = [_("The filter «%(label)s» was not applied: %(error)s")
                    % {"label": form.fields[name].label, "error": " ".join(errors)}
                    for name, errors in form.errors.items()]
    status = form.cleaned_data.get("status", "")
    overdue = bool(form.cleaned_data.get("overdue"))
    today = timezone.localdate()
    context = {
        "form": form, "region": region, "campaign": campaign, "problems": problems,
        "may_edit": roadmap_editable(user=request.user, region_id=region.pk),
        "list_url": roadmap_url(region.pk, campaign.pk if campaign else None), "labels": column_labels(),
    }
    if campaign is not None:
        rows = roadmap_rows(user=request.user, region=region, campaign=campaign, today=today, status=status,
                            overdue=overdue)
        context["sections"] = sections_of(rows, today=today, filtered=bool(status or overdue))
        context["counts"] = roadmap_counts(user=request.user, region=region, campaign=campaign, today=today)
        context["overdue_url"] = roadmap_url(region.pk, campaign.pk, overdue="on")
    template = "regions/roadmap/results.html" if wants_partial(request) else "regions/roadmap/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _editable_item(request, pk: int) -> RoadmapItem:
    item = get_object_or_404(roadmap_item_list(user=request.user), pk=pk)
    if not roadmap_editable(user=request.user, region_id=item.region_id):
        raise PermissionDenied  # a curator or operator staff: they read the roadmap
    return item


def _render_form(request, form, item=None, *, back: str):
    return render(request, "regions/roadmap/form.html", {"form": form, "item": item, "back": back},
                  status=400 if form.errors else 200)


@roles_required(region_roles)
def roadmap_item_create_view(request):
    coordinated = coordinated_region_list(user=request.user)
    regions, _campaigns, region, campaign = _choices(request, coordinated)
    form = RoadmapItemForm(request.POST or None, regions=coordinated.order_by("name") if len(regions) > 1 else None,
                           initial={"region": region, "campaign": campaign, "status": RoadmapItem.Status.PLANNED})
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data.get("region") or region
        campaign = form.cleaned_data["campaign"]
        try:
            item = roadmap_item_create(actor=request.user, region=region, campaign=campaign, item=form.item_text())
        except RecordError as error:
            form.add_refusal(error)
        else:
            messages.success(request, _("Item %(number)s is added to the roadmap.") % {"number": item.number})
            return redirect(roadmap_url(region.pk, campaign.pk if campaign else None))
    return _render_form(request, form, back=roadmap_url(region.pk, campaign.pk if campaign else None))


@roles_required(region_roles)
def roadmap_item_edit_view(request, pk: int):
    item = _editable_item(request, pk)
    form = RoadmapItemForm(request.POST or None, editing=True, initial=roadmap_item_initial(item))
    back = roadmap_url(item.region_id, item.campaign_id)
    if request.method == "POST" and form.is_valid():
        try:
            roadmap_item_update(actor=request.user, roadmap_item=item, item=form.item_text())
        except RecordError as error:
            form.add_refusal(error)
        else:
            messages.success(request, _("Item %(number)s is saved.") % {"number": item.number})
            return redirect(back)
    return _render_form(request, form, item, back=back)


@roles_required(region_roles)
def roadmap_item_delete_view(request, pk: int):
    """GET asks for confirmation; POST deletes."""
    item = _editable_item(request, pk)
    back = roadmap_url(item.region_id, item.campaign_id)
    if request.method == "POST":
        try:
            roadmap_item_delete(actor=request.user, roadmap_item=item)
        except RecordError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Item %(number)s is deleted.") % {"number": item.number})
        return redirect(back)
    return render(request, "regions/roadmap/delete.html", {"item": item, "back": back})


@roles_required(region_roles)
def roadmap_import_view(request):
    coordinated = coordinated_region_list(user=request.user)
    regions, _campaigns, region, campaign = _choices(request, coordinated)
    form = RoadmapImportForm(request.POST or None, request.FILES or None,
                             regions=coordinated.order_by("name") if len(regions) > 1 else None,
                             initial={"region": region, "campaign": campaign})
    result = None
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data.get("region") or region
        campaign = form.cleaned_data["campaign"]
        try:
            result = roadmap_import(actor=request.user, region=region, campaign=campaign,
                                    content=form.cleaned_data["file"].read(), replace=form.cleaned_data["replace"])
        except RecordError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if not result.errors:
                messages.success(request, ngettext(
                    "The roadmap is loaded: %(count)s item.", "The roadmap is loaded: %(count)s items.",
                    result.created) % {"count": result.created})
                return redirect(roadmap_url(region.pk, campaign.pk if campaign else None))
    context = {"form": form, "result": result, "back": roadmap_url(region.pk, campaign.pk if campaign else None)}
    failed = form.errors or (result is not None and result.errors)
    return render(request, "regions/roadmap/import.html", context, status=400 if failed else 200)


def _export(request, extension: str):
    _regions, _campaigns, region, campaign = _choices(request, region_list(user=request.user))
    if campaign is None:
        raise Http404
    today = timezone.localdate()
    sections = sections_of(roadmap_rows(user=request.user, region=region, campaign=campaign, today=today),
                           today=today)
    if extension == "xlsx":
        content, content_type = documents.roadmap_xlsx(region=region, campaign=campaign, sections=sections), \
            documents.XLSX_TYPE
    else:
        counts = roadmap_counts(user=request.user, region=region, campaign=campaign, today=today)
        content = documents.roadmap_pdf(region=region, campaign=campaign, sections=sections, counts=counts)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{documents.file_name(region, campaign, extension)}"'
    return response


@roles_required(region_roles)
@require_GET
def roadmap_export_xlsx(request):
    return _export(request, "xlsx")


@roles_required(region_roles)
@require_GET
def roadmap_export_pdf(request):
    return _export(request, "pdf")
