"""Campaign assignment and venues' contracts (seed 000 §5.4): the coordinator's list of the region's venues, each
venue's contract page with its documents; curators and the venue's staff read them."""

import os

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bilet.lists import region_roles, roles_required
from regions.selectors import current_campaign

from ..forms import AssignmentForm, ContractDocumentForm, ContractForm
from ..selectors.contracts import (
    contract_assignment_get,
    contract_document_get,
    contract_editable,
    contract_venue_list,
    with_contract_flags,
)
from ..services.contracts import (
    ContractError,
    venue_campaign_assign,
    venue_contract_document_add,
    venue_contract_document_delete,
    venue_contract_update,
)


def _contract_roles(roles) -> bool:
    return region_roles(roles) or bool(roles.venue_ids)


def _campaign_or_404():
    campaign = current_campaign()
    if campaign is None:
        raise Http404
    return campaign


@roles_required(region_roles)
@require_GET
def contract_list(request):
    campaign = current_campaign()
    venues = []
    if campaign is not None:
        venues = with_contract_flags(list(contract_venue_list(user=request.user, campaign=campaign)),
                                     today=timezone.localdate())
        for venue in venues:
            venue.editable = contract_editable(user=request.user, venue=venue)
    context = {
        "campaign": campaign,
        "venues": venues,
        "expiring": sum(1 for v in venues if v.contract_expires_soon),
        "expired": sum(1 for v in venues if v.contract_expired),
    }
    return render(request, "venues/contracts/list.html", context)


@roles_required(region_roles)
@require_POST
def contract_assign(request, pk: int):
    campaign = _campaign_or_404()
    venue, _assignment = contract_assignment_get(user=request.user, venue_pk=pk, campaign=campaign)
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the campaign is assigned."))
        return redirect("venues:contract_list")
    try:
        venue_campaign_assign(actor=request.user, venue=venue, campaign=campaign, assigned=form.cleaned_data["assigned"])
    except ContractError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign is assigned to «%(venue)s».") % {"venue": venue.short_name}
                         if form.cleaned_data["assigned"]
                         else _("The campaign is no longer assigned to «%(venue)s».") % {"venue": venue.short_name})
    return redirect("venues:contract_list")


def _render_detail(request, venue, assignment, *, form=None, document_form=None, status=200):
    editable = assignment is not None and contract_editable(user=request.user, venue=venue)
    if editable and form is None:
        form = ContractForm(initial={name: getattr(assignment, name) for name in ContractForm.base_fields})
    context = {
        "venue": with_contract_flags([venue], today=timezone.localdate())[0],
        "assignment": assignment,
        "documents": list(assignment.documents.all()) if assignment else [],
        "editable": editable,
        "form": form if editable else None,
        "document_form": (document_form or ContractDocumentForm()) if editable else None,
    }
    return render(request, "venues/contracts/detail.html", context, status=status)


@roles_required(_contract_roles)
def contract_detail(request, pk: int):
    venue, assignment = contract_assignment_get(user=request.user, venue_pk=pk, campaign=_campaign_or_404())
    if request.method != "POST":
        return _render_detail(request, venue, assignment)
    if assignment is None or not contract_editable(user=request.user, venue=venue):
        raise Http404
    form = ContractForm(request.POST)
    if form.is_valid():
        try:
            venue_contract_update(actor=request.user, assignment=assignment, **form.cleaned_data)
        except ContractError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The contract is saved."))
            return redirect("venues:contract_detail", pk=venue.pk)
    return _render_detail(request, venue, assignment, form=form, status=400)


@roles_required(region_roles)
@require_POST
def contract_document_upload(request, pk: int):
    venue, assignment = contract_assignment_get(user=request.user, venue_pk=pk, campaign=_campaign_or_404())
    if assignment is None or not contract_editable(user=request.user, venue=venue):
        raise Http404
    form = ContractDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            venue_contract_document_add(actor=request.user, assignment=assignment, **form.cleaned_data)
        except ContractError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The document is attached."))
            return redirect("venues:contract_detail", pk=venue.pk)
    return _render_detail(request, venue, assignment, document_form=form, status=400)


@roles_required(_contract_roles)
@require_GET
def contract_document(request, pk: int):
    """A contract's document, only to those who may read the venue's contract."""
    document = contract_document_get(user=request.user, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(document.file.name))


@roles_required(region_roles)
@require_POST
def contract_document_delete(request, pk: int):
    document = contract_document_get(user=request.user, pk=pk)
    venue = document.assignment.venue
    try:
        venue_contract_document_delete(actor=request.user, document=document)
    except ContractError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document is removed."))
    return redirect("venues:contract_detail", pk=venue.pk)
