"""Citizens' appeals (issue 15 §4, seed 000 §6.3): the coordinator registers, assigns and answers them; curators of
the region read them. Another region's appeal answers 404 like one that does not exist."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bilet.lists import DirectoryListView, region_roles, roles_required
from bilet.roles import get_roles

from .filters import PlaceFilterSet, region_filter
from .forms import AppealAnswerForm, AppealAssignForm, AppealForm
from .models import Appeal
from .selectors import appeal_counts, appeal_list, appeal_overdue_q, editable_region_list, region_records_editable
from .services import RecordError
from .services.appeals import appeal_answer, appeal_assign, appeal_assignees, appeal_register


class AppealFilterSet(PlaceFilterSet):
    search_fields = ("subject", "author_name", "text")
    region = region_filter()
    status = django_filters.ChoiceFilter(choices=Appeal.Status.choices, label=gettext_lazy("Status"))
    channel = django_filters.ChoiceFilter(choices=Appeal.Channel.choices, label=gettext_lazy("Channel"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=gettext_lazy("Overdue"))

    class Meta:
        model = Appeal
        fields = ["q", "region", "status", "channel", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = appeal_overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class AppealListView(DirectoryListView):
    title = gettext_lazy("Citizens' appeals")
    caption = gettext_lazy("Appeals, their deadlines and states")
    template_name = "regions/appeals/list.html"
    table_template = "regions/appeals/table.html"
    filterset_class = AppealFilterSet
    sort_keys = {"received": ("-received_at",), "due": ("due_on", "pk"), "status": ("status", "due_on")}
    default_sort = "received"

    def allowed(self, roles):
        return region_roles(roles)

    def get_queryset(self):
        return appeal_list(user=self.request.user)

    def decorate(self, rows):
        today = timezone.localdate()
        for row in rows:
            row.overdue = row.status != Appeal.Status.ANSWERED and row.due_on < today

    def get_context_data(self, **context):
        roles = get_roles(self.request.user)
        context["counts"] = appeal_counts(user=self.request.user, today=timezone.localdate())
        context["can_add"] = roles.operator or bool(roles.coordinator_region_ids)
        return context


@roles_required(region_roles)
def appeal_create(request):
    regions = editable_region_list(user=request.user).order_by("name")
    if not regions:
        raise PermissionDenied  # a curator reads the region's appeals and registers none
    form = AppealForm(request.POST or None, regions=regions, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region = data.pop("region", None) or regions[0]
        try:
            appeal = appeal_register(actor=request.user, region=region, **data)
        except RecordError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The appeal is registered; the answer is due on %(date)s.")
                             % {"date": appeal.due_on.strftime("%d.%m.%Y")})
            return redirect("regions:appeal_detail", pk=appeal.pk)
    return render(request, "regions/appeals/form.html", {"form": form}, status=400 if form.errors else 200)


def _appeal(request, pk: int) -> Appeal:
    return get_object_or_404(appeal_list(user=request.user), pk=pk)


def _render_detail(request, appeal, *, assign_form=None, answer_form=None, status=200):
    editor = region_records_editable(user=request.user, region_id=appeal.region_id)
    open_ = appeal.status != Appeal.Status.ANSWERED
    if editor and open_ and assign_form is None:
        assign_form = AppealAssignForm(assignees=appeal_assignees(region_id=appeal.region_id),
                                       initial={"assignee": appeal.assigned_to_id})
    may_answer = open_ and (editor or appeal.assigned_to_id == request.user.pk)
    context = {
        "appeal": appeal,
        "overdue": open_ and appeal.due_on < timezone.localdate(),
        "assign_form": assign_form if editor and open_ else None,
        "answer_form": (answer_form or AppealAnswerForm()) if may_answer else None,
    }
    return render(request, "regions/appeals/detail.html", context, status=status)


@roles_required(region_roles)
def appeal_detail(request, pk: int):
    return _render_detail(request, _appeal(request, pk))


@roles_required(region_roles)
@require_POST
def appeal_assign_view(request, pk: int):
    appeal = _appeal(request, pk)
    form = AppealAssignForm(request.POST, assignees=appeal_assignees(region_id=appeal.region_id))
    if form.is_valid():
        try:
            appeal_assign(actor=request.user, appeal=appeal, assignee=form.cleaned_data["assignee"])
        except RecordError as error:
            form.add_error("assignee" if error.field == "assignee" else None, error.message)
        else:
            messages.success(request, _("The appeal is assigned."))
            return redirect("regions:appeal_detail", pk=appeal.pk)
    return _render_detail(request, appeal, assign_form=form, status=400)


@roles_required(region_roles)
@require_POST
def appeal_answer_view(request, pk: int):
    appeal = _appeal(request, pk)
    form = AppealAnswerForm(request.POST)
    if form.is_valid():
        try:
            appeal_answer(actor=request.user, appeal=appeal, answer=form.cleaned_data["answer"])
        except RecordError as error:
            form.add_error("answer" if error.field == "answer" else None, error.message)
        else:
            messages.success(request, _("The answer is saved."))
            return redirect("regions:appeal_detail", pk=appeal.pk)
    return _render_detail(request, appeal, answer_form=form, status=400)
