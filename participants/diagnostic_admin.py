"""The question bank of the online diagnostics in the admin (operator staff).

Only a draft version is edited: a published or archived one is read-only here, because results were scored with it.
To change a published version, copy it as a new draft (an action of the versions' list), edit the draft and publish
it; the version published before is archived and keeps its results.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    DiagnosticBand,
    DiagnosticInstrument,
    DiagnosticOption,
    DiagnosticQuestion,
    DiagnosticScale,
    DiagnosticVersion,
)
from .services.diagnostics import DiagnosticError, diagnostic_version_copy, diagnostic_version_publish


class DraftOnlyMixin:
    """Change and delete only what belongs to a draft version; `version_of(obj)` finds it."""

    @staticmethod
    def version_of(obj) -> DiagnosticVersion:
        return obj

    def editable(self, obj) -> bool:
        return obj is None or self.version_of(obj).is_editable

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.editable(obj)


class DraftOnlyInline(DraftOnlyMixin):
    """An inline of a parent (version, scale or question): added to only while the parent's version is a draft."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.editable(obj)


class VersionInline(admin.TabularInline):
    model = DiagnosticVersion
    fields = ("number", "status", "note", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DiagnosticInstrument)
class DiagnosticInstrumentAdmin(admin.ModelAdmin):
    list_display = ("stage", "title")
    inlines = [VersionInline]


class ScaleInline(DraftOnlyInline, admin.TabularInline):
    model = DiagnosticScale
    fields = ("order", "code", "name", "kind", "spheres")
    extra = 0
    show_change_link = True


class QuestionInline(DraftOnlyInline, admin.TabularInline):
    model = DiagnosticQuestion
    fields = ("number", "page", "text")
    extra = 0
    show_change_link = True


@admin.register(DiagnosticVersion)
class DiagnosticVersionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("instrument", "number", "status", "published_at", "note")
    list_filter = ("instrument", "status")
    list_select_related = ("instrument",)
    fields = ("instrument", "number", "status", "note", "published_at")
    readonly_fields = ("status", "published_at")
    inlines = [ScaleInline, QuestionInline]
    actions = ["copy_as_draft", "publish"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is not None and not version.is_editable and request.method == "GET":
            self.message_user(request, gettext(
                "This version is not a draft, so it cannot be changed: results were scored with it. To change it, "
                "choose it in the list of versions and use «Copy as a new draft version»."
            ), messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Copy as a new draft version (to edit a published one)"))
    def copy_as_draft(self, request, queryset):
        for version in queryset:
            draft = diagnostic_version_copy(version=version)
            self.message_user(
                request, gettext("Draft version %(number)d of «%(test)s» created.")
                % {"number": draft.number, "test": draft.instrument.title}, messages.SUCCESS,
            )

    @admin.action(description=_("Publish (students take it from now on)"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                diagnostic_version_publish(version=version)
            except DiagnosticError as refusal:
                self.message_user(request, f"{version}: {refusal}", messages.ERROR)
            else:
                self.message_user(request, gettext("%(version)s is published.") % {"version": version}, messages.SUCCESS)


class PartInline(DraftOnlyInline, admin.TabularInline):
    """The bands of a scale or the options of a question (the parent's version decides)."""

    extra = 0

    @staticmethod
    def version_of(obj):
        return obj.version


class BandInline(PartInline):
    model = DiagnosticBand
    fields = ("min_score", "max_score", "label", "text")


class VersionPartAdmin(DraftOnlyMixin, admin.ModelAdmin):
    """A scale or a question: edited on its own page with its bands or options, while its version is a draft."""

    list_filter = ("version__instrument",)
    list_select_related = ("version__instrument",)

    @staticmethod
    def version_of(obj):
        return obj.version


@admin.register(DiagnosticScale)
class DiagnosticScaleAdmin(VersionPartAdmin):
    list_display = ("name", "code", "kind", "version")
    inlines = [BandInline]


class OptionInline(PartInline):
    model = DiagnosticOption
    fields = ("order", "text", "weights", "is_correct")


@admin.register(DiagnosticQuestion)
class DiagnosticQuestionAdmin(VersionPartAdmin):
    list_display = ("number", "text", "page", "version")
    inlines = [OptionInline]
