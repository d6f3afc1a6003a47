"""Pages of the coordinator's records (issue 13 §1): promotion measures, the team's training, training needs.

Each record is reached through its selector, which took the user: another region's record answers 404 like one that
does not exist. A curator sees the assigned regions' records and changes none of them: 403 on the forms (they can
see the record, SPEC §2 and STYLE). Who may change what is decided again by regions.services.
"""

import os
from dataclasses import dataclass
from typing import Callable

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from bilet.lists import DirectoryListView, region_roles, roles_required
from bilet.roles import get_roles
from bilet.widgets import DateInput

from .filters import PlaceFilterSet, region_filter
from .forms import PromotionMeasureForm, RecordForm, TeamTrainingForm, TrainingNeedForm, record_initial
from .models import Campaign, PromotionMeasure, TeamRole, TeamTraining, TrainingNeed
from .selectors import (
    current_campaign,
    editable_region_list,
    promotion_measure_list,
    region_records_editable,
    team_training_list,
    training_need_list,
)
from .services import (
    RecordError,
    promotion_measure_create,
    promotion_measure_delete,
    promotion_measure_update,
    team_training_create,
    team_training_delete,
    team_training_update,
    training_need_create,
    training_need_delete,
    training_need_update,
)


@dataclass(frozen=True)
class RecordKind:
    """What the pages of one kind of record need: its selector, form, services, names and words."""

    slug: str  # the URL names' prefix: promotion_list, promotion_create, …
    model: type
    selector: Callable[..., QuerySet]
    form_class: type[RecordForm]
    create: Callable
    update: Callable
    delete: Callable
    record_kwarg: str  # how the update and delete services name the record
    title: str
    new_title: str
    saved: str
    deleted: str

    def url(self, action: str) -> str:
        return f"regions:{self.slug}_{action}"

    # For templates: {% url kind.edit_name record.pk %}
    list_name = property(lambda self: self.url("list"))
    create_name = property(lambda self: self.url("create"))
    edit_name = property(lambda self: self.url("edit"))
    delete_name = property(lambda self: self.url("delete"))


PROMOTION = RecordKind(
    "promotion", PromotionMeasure, promotion_measure_list, PromotionMeasureForm,
    promotion_measure_create, promotion_measure_update, promotion_measure_delete, "measure",
    gettext_lazy("Promotion of the project"), gettext_lazy("New promotion measure"),
    gettext_lazy("The promotion measure is saved."), gettext_lazy("The promotion measure is deleted."),
)
TRAINING = RecordKind(
    "training", TeamTraining, team_training_list, TeamTrainingForm,
    team_training_create, team_training_update, team_training_delete, "training",
    gettext_lazy("Team training"), gettext_lazy("New training record"),
    gettext_lazy("The training record is saved."), gettext_lazy("The training record is deleted."),
)
NEED = RecordKind(
    "need", TrainingNeed, training_need_list, TrainingNeedForm,
    training_need_create, training_need_update, training_need_delete, "need",
    gettext_lazy("Training needs"), gettext_lazy("New training need"),
    gettext_lazy("The training need is saved."), gettext_lazy("The training need is deleted."),
)


# --- lists ---------------------------------------------------------------------------------------------------------


def _campaign_filter():
    return django_filters.ModelChoiceFilter(queryset=Campaign.objects.all(), label=gettext_lazy("Campaign"))


def _date_range(field_name: str):
    """«from date» and «to date» on the record's date, so a report's figure can link to the records it counts
    (those of the campaign dated up to the end of the period)."""
    return tuple(
        django_filters.DateFilter(field_name=field_name, lookup_expr=lookup, label=label, widget=DateInput())
        for lookup, label in (("gte", gettext_lazy("from date")), ("lte", gettext_lazy("to date")))
    )


class PromotionFilterSet(PlaceFilterSet):
    search_fields = ("title", "link")
    region = region_filter()
    campaign = _campaign_filter()
    kind = django_filters.ChoiceFilter(choices=PromotionMeasure.Kind.choices, label=gettext_lazy("Kind"))
    since, until = _date_range("held_on")

    class Meta:
        model = PromotionMeasure
        fields = ["q", "region", "campaign", "kind", "since", "until"]


class TrainingFilterSet(PlaceFilterSet):
    search_fields = ("person_name", "course")
    region = region_filter()
    campaign = _campaign_filter()
    role = django_filters.ChoiceFilter(choices=TeamRole.choices, label=gettext_lazy("Role"))
    format = django_filters.ChoiceFilter(choices=TeamTraining.Format.choices, label=gettext_lazy("Format"))
    since, until = _date_range("completed_on")

    class Meta:
        model = TeamTraining
        fields = ["q", "region", "campaign", "role", "format", "since", "until"]


class NeedFilterSet(PlaceFilterSet):
    search_fields = ("topic",)
    region = region_filter()
    campaign = _campaign_filter()
    audience = django_filters.ChoiceFilter(choices=TeamRole.choices, label=gettext_lazy("Audience"))
    since, until = _date_range("wished_month")

    class Meta:
        model = TrainingNeed
        fields = ["q", "region", "campaign", "audience", "since", "until"]


class RecordListView(DirectoryListView):
    """A region's records: the coordinator's region, a curator's assigned regions (read-only), operator staff all."""

    template_name = "regions/records/list.html"
    table_template = "regions/records/table.html"
    columns_template: str  # partials "head" and "cells": the kind's own columns
    kind: RecordKind

    @property
    def title(self):
        return self.kind.title

    def allowed(self, roles):
        return region_roles(roles)

    def get_queryset(self):
        return self.kind.selector(user=self.request.user)

    def decorate(self, rows):
        for row in rows:
            row.editable = region_records_editable(user=self.request.user, region_id=row.region_id)

    def get_context_data(self, **context):
        context["kind"] = self.kind
        roles = get_roles(self.request.user)
        context["can_add"] = roles.operator or bool(roles.coordinator_region_ids)
        return context


class PromotionListView(RecordListView):
    kind = PROMOTION
    caption = gettext_lazy("Publications, posts, events and mailings about the project, with their reach")
    columns_template = "regions/records/promotion_columns.html"
    filterset_class = PromotionFilterSet
    sort_keys = {"held_on": ("held_on",), "title": ("title",), "kind": ("kind",), "reach": ("reach",),
                 "region": ("region__name", "-held_on")}
    default_sort = "-held_on"


class TrainingListView(RecordListView):
    kind = TRAINING
    caption = gettext_lazy("Members of the region's team who completed a course or a webinar")
    columns_template = "regions/records/training_columns.html"
    filterset_class = TrainingFilterSet
    sort_keys = {"completed_on": ("completed_on",), "person": ("person_name",), "role": ("role",),
                 "course": ("course",), "region": ("region__name", "-completed_on")}
    default_sort = "-completed_on"


class NeedListView(RecordListView):
    kind = NEED
    caption = gettext_lazy("Training the region's team still needs: topic, audience, people and month")
    columns_template = "regions/records/need_columns.html"
    filterset_class = NeedFilterSet
    sort_keys = {"wished_month": ("wished_month",), "topic": ("topic",), "audience": ("audience",),
                 "people": ("people_count",), "region": ("region__name", "wished_month")}
    default_sort = "wished_month"


# --- create, edit, delete ------------------------------------------------------------------------------------------


def _get_record(request, kind: RecordKind, pk: int):
    """The record inside the user's scope (404 outside it), and 403 if the user may only read it."""
    record = get_object_or_404(kind.selector(user=request.user), pk=pk)
    if not region_records_editable(user=request.user, region_id=record.region_id):
        raise PermissionDenied
    return record


def _apply_error(form, error: RecordError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _render_form(request, kind: RecordKind, form, record=None):
    return render(request, "regions/records/form.html", {"kind": kind, "form": form, "record": record},
                  status=400 if form.errors else 200)


@roles_required(region_roles)
def record_create(request, kind: RecordKind):
    regions = editable_region_list(user=request.user).order_by("name")
    if not regions:
        raise PermissionDenied  # a curator: reads the region's records, adds none
    form = kind.form_class(request.POST or None, request.FILES or None, regions=regions,
                           initial={"campaign": current_campaign()})
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data.get("region") or regions[0]
        try:
            kind.create(actor=request.user, region=region, **form.service_fields())
        except RecordError as error:
            _apply_error(form, error)
        else:
            messages.success(request, kind.saved)
            return redirect(kind.url("list"))
    return _render_form(request, kind, form)


@login_required
def record_edit(request, pk: int, kind: RecordKind):
    record = _get_record(request, kind, pk)
    names = [name for name in kind.form_class.base_fields if name != "region"]
    form = kind.form_class(request.POST or None, request.FILES or None, initial=record_initial(record, names))
    if request.method == "POST" and form.is_valid():
        try:
            kind.update(actor=request.user, **{kind.record_kwarg: record}, **form.service_fields())
        except RecordError as error:
            _apply_error(form, error)
        else:
            messages.success(request, kind.saved)
            return redirect(kind.url("list"))
    return _render_form(request, kind, form, record)


@login_required
def record_delete(request, pk: int, kind: RecordKind):
    """GET asks for confirmation; POST deletes."""
    record = _get_record(request, kind, pk)
    if request.method == "POST":
        try:
            kind.delete(actor=request.user, **{kind.record_kwarg: record})
        except RecordError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, kind.deleted)
        return redirect(kind.url("list"))
    return render(request, "regions/records/delete.html", {"kind": kind, "record": record})


@roles_required(region_roles)
@require_GET
def training_certificate(request, pk: int):
    """A training certificate, to those who may see the record (curators too), never as a public media URL."""
    training = get_object_or_404(team_training_list(user=request.user), pk=pk)
    if not training.certificate:
        raise Http404
    try:
        handle = training.certificate.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(training.certificate.name))
