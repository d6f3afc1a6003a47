"""Curators' requests (issue 15 §1): the list, a new request, the thread with its answer, acceptance and return."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bilet.ids import parse_id
from bilet.lists import roles_required

from .forms import AcceptForm, AnswerForm, RequestForm, ReturnForm
from .selectors import curator_region_list, request_attachment_get, request_list, request_thread
from .services.requests import (
    RequestError,
    request_accept,
    request_answer,
    request_create,
    request_return,
)


def request_roles(roles) -> bool:
    return bool(roles.curator_region_ids or roles.coordinator_region_ids)


def _apply(form, error: RequestError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@roles_required(request_roles)
def request_list_view(request):
    today = timezone.localdate()
    requests = list(request_list(user=request.user).order_by("-created_at", "-pk"))
    for item in requests:
        item.overdue = item.is_overdue(today)
    return render(request, "regions/requests/list.html", {"requests": requests})


def _prefill(query) -> dict:
    """A request form filled in from its link (the gallery's «ask for photos and videos»): region, subject, text.
    The curator reads and sends it; a region outside their scope is simply not among the choices."""
    initial = {"subject": query.get("subject", "")[:300], "text": query.get("text", "")[:4000]}
    region = parse_id(query.get("region"))
    if region is not None:
        initial["region"] = region
    return initial


@roles_required(lambda roles: bool(roles.curator_region_ids))
def request_create_view(request):
    regions = curator_region_list(user=request.user)
    form = RequestForm(request.POST or None, request.FILES or None, regions=regions, initial=_prefill(request.GET))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = request_create(
                actor=request.user, region=data["region"], subject=data["subject"], text=data["text"],
                due_on=data["due_on"], files=data["files"],
            )
        except RequestError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The request is sent to the coordinator."))
            return redirect("regions:request_detail", pk=created.pk)
    status = 400 if form.is_bound else 200
    return render(request, "regions/requests/form.html", {"form": form}, status=status)


def _get_request(request, pk: int):
    return get_object_or_404(request_list(user=request.user), pk=pk)


def _render_detail(request, item, *, status=200, **forms):
    from bilet.roles import get_roles

    roles = get_roles(request.user)
    today = timezone.localdate()
    item.overdue = item.is_overdue(today)
    is_coordinator = item.region_id in roles.coordinator_region_ids
    is_curator = item.region_id in roles.curator_region_ids
    context = {
        "item": item,
        "thread": request_thread(request=item),
        "can_answer": is_coordinator and item.status in item.AWAITING,
        "can_review": is_curator and item.status == item.Status.ANSWERED,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
    }
    return render(request, "regions/requests/detail.html", context, status=status)


@roles_required(request_roles)
def request_detail_view(request, pk: int):
    return _render_detail(request, _get_request(request, pk))


def _step(request, pk: int, form_class, form_name: str, run, success: str):
    item = _get_request(request, pk)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            run(item, form.cleaned_data)
        except RequestError as error:
            if error.field not in form.fields:
                # A step the request's state no longer allows (a stale page): the page as it is now, with why.
                messages.error(request, error.message)
                return redirect("regions:request_detail", pk=item.pk)
            _apply(form, error)
        else:
            messages.success(request, success)
            return redirect("regions:request_detail", pk=item.pk)
    item.refresh_from_db()
    return _render_detail(request, item, status=400, **{form_name: form})


@roles_required(request_roles)
@require_POST
def request_answer_view(request, pk: int):
    return _step(
        request, pk, AnswerForm, "answer_form",
        lambda item, data: request_answer(actor=request.user, request=item, text=data["text"], files=data["files"]),
        _("Your answer is sent to the curator."),
    )


@roles_required(request_roles)
@require_POST
def request_accept_view(request, pk: int):
    return _step(
        request, pk, AcceptForm, "accept_form",
        lambda item, data: request_accept(actor=request.user, request=item, comment=data["comment"]),
        _("The answer is accepted."),
    )


@roles_required(request_roles)
@require_POST
def request_return_view(request, pk: int):
    return _step(
        request, pk, ReturnForm, "return_form",
        lambda item, data: request_return(
            actor=request.user, request=item, comment=data["comment"], due_on=data["due_on"]
        ),
        _("The answer is returned to the coordinator."),
    )


@roles_required(request_roles)
def request_attachment_view(request, pk: int, attachment_pk: int):
    attachment = request_attachment_get(
        user=request.user, request_id=pk, attachment_id=parse_id(attachment_pk) or 0
    )
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
