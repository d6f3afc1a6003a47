"""Reports in the administration: read-mostly. Builds, sending and accepting go through the portal's pages (and
their services); the admin lets operator staff look, and correct a deadline."""

from django.contrib import admin

from .models import Report, ReportDeadline, ReportSubmission, ReportSubmissionEvent


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("report_type", "region", "campaign", "period", "state", "is_current", "author", "created_at")
    list_filter = ("report_type", "state", "is_current", "campaign")
    list_select_related = ("region", "campaign", "author")
    search_fields = ("region__name", "parameters_key")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False


class ReportSubmissionEventInline(admin.TabularInline):
    model = ReportSubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "action", "actor", "report", "comment")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(admin.ModelAdmin):
    list_display = ("report_type", "region", "campaign", "period", "state", "updated_at")
    list_filter = ("state", "report_type")
    list_select_related = ("region", "campaign")
    readonly_fields = ("parameters_key", "report_type", "region", "campaign", "period", "state", "report", "updated_at")
    inlines = [ReportSubmissionEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(admin.ModelAdmin):
    list_display = ("region", "period", "due_on", "set_by", "set_at")
    list_filter = ("region",)
    list_select_related = ("region", "set_by")
    autocomplete_fields = ("region",)
    readonly_fields = ("set_by", "set_at")
