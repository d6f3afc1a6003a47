from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bilet.admin_mixins import PortalImportExportMixin, ReadOnlyAdminMixin

from . import resources
from .forms import CertificateInput
from .models import (
    Appeal,
    Campaign,
    CampaignStage,
    Competency,
    Coordinator,
    Curator,
    MonitoringCriterion,
    MonitoringIndicator,
    MonitoringValue,
    CuratorRequest,
    Municipality,
    Nosology,
    PromotionMeasure,
    Region,
    RegionTarget,
    RequestMessage,
    RoadmapItem,
    School,
    TeamTraining,
    TrainingNeed,
)
from .services import RecordError, monitoring_value_check


@admin.register(Region)
class RegionAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.RegionResource]
    list_display = ("code", "name", "municipality_count", "school_count")
    search_fields = ("code", "name")
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            municipality_total=Count("municipalities", distinct=True), school_total=Count("schools", distinct=True)
        )

    @admin.display(description=_("municipalities"), ordering="municipality_total")
    def municipality_count(self, obj):
        return obj.municipality_total

    @admin.display(description=_("schools"), ordering="school_total")
    def school_count(self, obj):
        return obj.school_total


@admin.register(Municipality)
class MunicipalityAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.MunicipalityResource]
    list_display = ("name", "region", "responsible_name", "responsible_email")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("name", "region__name", "responsible_name")
    autocomplete_fields = ("region",)
    ordering = ("region__name", "name")


@admin.register(School)
class SchoolAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.SchoolResource]
    list_display = ("short_name", "municipality", "region", "inn", "director_name")
    list_filter = ("region",)
    list_select_related = ("region", "municipality")
    search_fields = ("short_name", "name", "inn", "municipality__name")
    autocomplete_fields = ("region", "municipality")
    # Along the index (region, short_name).
    ordering = ("region", "short_name")
    show_full_result_count = False


@admin.register(Competency)
class CompetencyAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.CompetencyResource]
    list_display = ("code", "name", "sphere")
    list_filter = ("sphere",)
    search_fields = ("code", "name", "sphere")
    ordering = ("name",)


@admin.register(Nosology)
class NosologyAdmin(admin.ModelAdmin):
    """The six groups are fixed by a data migration; codes are what events and students refer to."""

    list_display = ("__str__", "code")
    search_fields = ("code",)
    ordering = ("id",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ("code",)


class CampaignStageInline(admin.TabularInline):
    model = CampaignStage
    extra = 0
    ordering = ("number",)


class RegionTargetInline(admin.TabularInline):
    model = RegionTarget
    extra = 0
    autocomplete_fields = ("region",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "starts_on", "ends_on", "booking_opens_at", "booking_closes_at", "is_active")
    list_filter = ("is_active", "year")
    search_fields = ("name",)
    ordering = ("-starts_on",)
    inlines = [CampaignStageInline, RegionTargetInline]
    fieldsets = (
        (None, {"fields": ("name", "year", "starts_on", "ends_on", "is_active")}),
        (_("Booking rules"), {"fields": (
            "booking_opens_at", "booking_closes_at", ("grade_min", "grade_max"), "consent_required",
            ("max_events_per_student", "max_offline_per_student"), "cancel_hours_before", "recommendation_days",
        )}),
    )


@admin.register(CampaignStage)
class CampaignStageAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "campaign", "starts_on", "deadline")
    list_filter = ("campaign",)
    list_select_related = ("campaign",)
    search_fields = ("title",)
    ordering = ("campaign", "number")


@admin.register(RegionTarget)
class RegionTargetAdmin(admin.ModelAdmin):
    list_display = ("region", "campaign", "navigators", "students", "diagnostics", "trials", "students_per_navigator")
    list_filter = ("campaign", "region")
    list_select_related = ("region", "campaign")
    search_fields = ("region__name", "region__code")
    autocomplete_fields = ("region",)
    ordering = ("campaign", "region__name")


@admin.register(Curator)
class CuratorAdmin(admin.ModelAdmin):
    list_display = ("user", "region_list")
    list_filter = ("regions",)
    list_select_related = ("user",)
    search_fields = ("user__email", "user__last_name", "user__first_name")
    autocomplete_fields = ("user", "regions")
    ordering = ("user__last_name", "user__first_name")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("regions"))
    def region_list(self, obj):
        return ", ".join(region.name for region in obj.regions.all())


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ("user", "region", "organisation", "position", "approved_at")
    list_filter = ("region", ("approved_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "region")
    search_fields = ("user__email", "user__last_name", "user__first_name", "organisation")
    autocomplete_fields = ("user", "region")
    ordering = ("region__name", "user__last_name")


@admin.register(RoadmapItem)
class RoadmapItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read here; the region's coordinator writes the roadmap in the portal, where its rules are checked."""

    list_display = ("number", "activity_short", "region", "campaign", "period_text", "status")
    list_filter = ("status", "period_kind", "region", "campaign")
    list_select_related = ("region", "campaign")
    search_fields = ("number", "activity", "responsible")
    ordering = ("region__name", "campaign", "sort_key")

    @admin.display(description=_("activity"))
    def activity_short(self, obj):
        return obj.activity[:80]

    @admin.display(description=_("period"))
    def period_text(self, obj):
        return obj.period_text


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("subject", "region", "author_name", "received_at", "due_on", "status", "answered_at")
    list_filter = ("status", "region", "due_on")
    list_select_related = ("region",)
    search_fields = ("subject", "author_name", "author_email", "text")
    autocomplete_fields = ("region", "answered_by")
    date_hierarchy = "received_at"
    ordering = ("-received_at",)


# --- The coordinator's records (issue 13 §1): kept through the portal's pages; editable here by operator staff ------


class RegionRecordAdmin(admin.ModelAdmin):
    list_select_related = ("region", "campaign")
    autocomplete_fields = ("region",)
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PromotionMeasure)
class PromotionMeasureAdmin(RegionRecordAdmin):
    list_display = ("title", "kind", "held_on", "reach", "region", "campaign")
    list_filter = ("kind", "campaign", "region")
    search_fields = ("title", "link")
    date_hierarchy = "held_on"
    ordering = ("-held_on",)
    # A link typed without a scheme is https (Django 6's default; the portal's form does the same).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(TeamTraining)
class TeamTrainingAdmin(RegionRecordAdmin):
    # The certificate by name only: its file is served by the portal's scoped view, not by a media URL.
    formfield_overrides = {models.FileField: {"widget": CertificateInput}}
    list_display = ("person_name", "role", "course", "format", "completed_on", "region", "campaign")
    list_filter = ("role", "format", "campaign", "region")
    search_fields = ("person_name", "course")
    date_hierarchy = "completed_on"
    ordering = ("-completed_on",)


@admin.register(TrainingNeed)
class TrainingNeedAdmin(RegionRecordAdmin):
    list_display = ("topic", "audience", "people_count", "wished_month", "region", "campaign")
    list_filter = ("audience", "campaign", "region")
    search_fields = ("topic",)
    ordering = ("wished_month",)


class MonitoringIndicatorInline(admin.TabularInline):
    model = MonitoringIndicator
    extra = 0
    fields = ("order", "name", "unit", "figure_code", "active")
    ordering = ("order", "pk")


@admin.register(MonitoringCriterion)
class MonitoringCriterionAdmin(admin.ModelAdmin):
    """Operator staff define the criteria and their indicators (seed 004); coordinators enter the values."""

    list_display = ("title", "order")
    search_fields = ("title",)
    ordering = ("order", "pk")
    inlines = [MonitoringIndicatorInline]


@admin.register(MonitoringIndicator)
class MonitoringIndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "criterion", "unit", "figure_code", "order", "active")
    list_filter = ("active", "unit", "criterion")
    list_select_related = ("criterion",)
    search_fields = ("name", "criterion__title")
    ordering = ("criterion__order", "criterion", "order", "pk")


class MonitoringValueForm(forms.ModelForm):
    """The unit rules of the coordinator's page hold here too (a percentage 0–100, yes/no as 1 or 0, …)."""

    class Meta:
        model = MonitoringValue
        fields = ("indicator", "region", "year", "value")

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("indicator")
        if indicator is not None:
            try:
                cleaned["value"] = monitoring_value_check(indicator=indicator, value=cleaned.get("value"))
            except RecordError as error:
                self.add_error("value", error.message)
        return cleaned


@admin.register(MonitoringValue)
class MonitoringValueAdmin(admin.ModelAdmin):
    form = MonitoringValueForm
    list_display = ("indicator", "region", "year", "value", "entered_by", "updated_at")
    list_filter = ("year", "region")
    list_select_related = ("indicator", "region", "entered_by")
    search_fields = ("indicator__name", "region__name")
    autocomplete_fields = ("region",)
    readonly_fields = ("entered_by", "updated_at")
    ordering = ("region__name", "-year", "indicator")

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


class RequestMessageInline(admin.TabularInline):
    model = RequestMessage
    fields = ("created_at", "author", "kind", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CuratorRequest)
class CuratorRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Curators' requests, read by operator staff; curators and coordinators work with them on the portal's pages."""

    list_display = ("subject", "region", "author", "created_at", "due_on", "status")
    list_filter = ("status", "region")
    list_select_related = ("region", "author")
    search_fields = ("subject", "author__email")
    inlines = [RequestMessageInline]
