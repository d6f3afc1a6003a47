from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bilet.admin_mixins import (
    BigTableAdminMixin,
    PersonalDataExportMixin,
    PersonalDataViewMixin,
    PersonSearchMixin,
    PortalExportMixin,
    PortalImportExportMixin,
)
from bilet.models import User
from bilet.resources import export_resource

from . import resources
from regions.models import GRADE_MAX, GRADE_MIN

from .models import Consent, ConsentText, DestructionAct, DiagnosticResult, Guardian, Guardianship, Navigator, Student

# A region has 10,000+ students and the country a million: student and user fields are autocompletes, never a
# select of every row; the big lists estimate their page count, are ordered along their indexes, search people by
# name prefix or whole email (PersonSearchMixin), and filter only on their own columns: a filter through a join
# (bookings of a region) with a LIMIT would walk the whole table.


class GradeFilter(admin.SimpleListFilter):
    """The project's grades, without a SELECT DISTINCT over a million students."""

    title = _("grade")
    parameter_name = "grade"

    def lookups(self, request, model_admin):
        return [(str(grade), str(grade)) for grade in range(GRADE_MIN, GRADE_MAX + 1)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(grade=self.value())
        return queryset


@admin.register(Navigator)
class NavigatorAdmin(BigTableAdminMixin, PersonalDataExportMixin, PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.NavigatorResource]
    list_display = ("user", "school", "region", "position", "training_completed_on", "created_at")
    list_filter = ("region", ("training_completed_on", admin.EmptyFieldListFilter))
    list_select_related = ("user", "school", "region")
    search_fields = ("user__email", "user__last_name", "user__first_name", "school__short_name")
    autocomplete_fields = ("user", "school")
    readonly_fields = ("region", "created_at")
    ordering = ("region", "school")

    def save_model(self, request, obj, form, change):
        obj.region_id = obj.school.region_id
        super().save_model(request, obj, form, change)


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = (
        "given_by_name", "guardian", "given_at", "method", "text_version", "paper_received_on", "withdrawn_at",
    )
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class DiagnosticResultInline(admin.TabularInline):
    model = DiagnosticResult
    extra = 0
    fields = ("stage", "completed_at", "result", "version")
    # Scored by the portal's bank: the version is what the result was scored with, never re-pointed.
    readonly_fields = ("version",)


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ("guardian", "student")


@admin.register(Student)
class StudentAdmin(
    PersonalDataViewMixin, PersonSearchMixin, BigTableAdminMixin, PersonalDataExportMixin, PortalImportExportMixin,
    admin.ModelAdmin,
):
    resource_classes = [resources.StudentResource]
    list_display = ("full_name", "grade_label", "school", "municipality", "region", "nosology", "created_at")
    list_filter = ("region", GradeFilter, "nosology", ("anonymised_at", admin.EmptyFieldListFilter))
    list_select_related = ("school", "municipality", "region", "nosology")
    search_fields = ("last_name", "first_name", "middle_name", "user__email", "school__short_name")
    autocomplete_fields = ("user", "school", "registered_by")
    # The region and municipality are the school's: shown, never typed (kept in step by the import and the services).
    readonly_fields = ("region", "municipality", "created_at", "anonymised_at")
    # Along the index (region, last_name, first_name).
    ordering = ("region", "last_name", "first_name")
    inlines = [ConsentInline, DiagnosticResultInline, GuardianshipInline]

    def save_model(self, request, obj, form, change):
        obj.region_id = obj.school.region_id
        obj.municipality_id = obj.school.municipality_id
        super().save_model(request, obj, form, change)

    @admin.display(description=Student._meta.get_field("last_name").verbose_name, ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=Student._meta.get_field("grade").verbose_name, ordering="grade")
    def grade_label(self, obj):
        return obj.grade_label


@admin.register(Guardian)
class GuardianAdmin(
    PersonalDataViewMixin, PersonSearchMixin, BigTableAdminMixin, PersonalDataExportMixin, PortalExportMixin,
    admin.ModelAdmin,
):
    person_name_fields = ("user__last_name", "user__first_name", "user__middle_name")
    resource_classes = [export_resource(Guardian, ["id", "user"], related={
        "email": ("user__email", User._meta.get_field("email").verbose_name),
        "phone": ("user__phone", User._meta.get_field("phone").verbose_name),
    })]
    list_display = ("user", "user_email", "user_phone")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__last_name", "user__first_name", "user__phone")
    autocomplete_fields = ("user",)
    ordering = ("-id",)
    inlines = [GuardianshipInline]

    @admin.display(description=User._meta.get_field("email").verbose_name, ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description=User._meta.get_field("phone").verbose_name)
    def user_phone(self, obj):
        return obj.user.phone


@admin.register(Guardianship)
class GuardianshipAdmin(
    PersonalDataViewMixin, PersonSearchMixin, BigTableAdminMixin, PersonalDataExportMixin, PortalImportExportMixin,
    admin.ModelAdmin,
):
    # A child's name or a parent's email.
    person_name_fields = ("student__last_name", "student__first_name", "student__middle_name")
    person_email_field = "guardian__user__email"
    resource_classes = [resources.GuardianshipResource]
    list_display = ("guardian", "student", "relation")
    list_filter = ("relation",)
    list_select_related = ("guardian__user", "student")
    search_fields = ("guardian__user__email", "guardian__user__last_name", "student__last_name")
    autocomplete_fields = ("guardian", "student")
    ordering = ("-id",)


@admin.register(Consent)
class ConsentAdmin(
    PersonalDataViewMixin, PersonSearchMixin, BigTableAdminMixin, PersonalDataExportMixin, PortalExportMixin,
    admin.ModelAdmin,
):
    person_name_fields = ("student__last_name", "student__first_name", "student__middle_name")
    person_email_field = "guardian__user__email"
    resource_classes = [export_resource(Consent, [
        "id", "student", "guardian", "given_by_name", "given_at", "method", "paper_received_on", "withdrawn_at",
    ])]
    list_display = ("student", "given_by_name", "given_at", "method", "paper_received_on", "withdrawn_at")
    list_filter = (
        "method", ("withdrawn_at", admin.EmptyFieldListFilter), ("paper_received_on", admin.EmptyFieldListFilter),
    )
    list_select_related = ("student",)
    search_fields = ("student__last_name", "student__first_name", "given_by_name", "guardian__user__email")
    autocomplete_fields = ("student", "guardian", "paper_received_by", "withdrawn_by")
    # What the parent agreed to and from where: evidence, never edited.
    readonly_fields = ("text_version", "ip_address", "user_agent")
    ordering = ("-id",)


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """Operator staff publish a new wording as a new version; a version given under stays as it was."""

    list_display = ("version", "effective_from", "created_at")
    ordering = ("-effective_from",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.consents.exists():
            return ("version", "text", "effective_from")
        return ()

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.consents.exists()


@admin.register(DestructionAct)
class DestructionActAdmin(admin.ModelAdmin):
    list_display = ("pk", "student_id", "region", "performed_at", "keep_until")
    list_filter = ("region",)
    ordering = ("-performed_at",)
    readonly_fields = (
        "student", "region", "performed_at", "performed_by", "reason", "categories", "log_extract", "keep_until",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DiagnosticResult)
class DiagnosticResultAdmin(
    PersonalDataViewMixin, PersonSearchMixin, BigTableAdminMixin, PersonalDataExportMixin, PortalExportMixin,
    admin.ModelAdmin,
):
    person_name_fields = ("student__last_name", "student__first_name", "student__middle_name")
    person_email_field = "student__user__email"
    resource_classes = [export_resource(DiagnosticResult, ["id", "student", "stage", "completed_at", "result"])]
    list_display = ("student", "stage", "completed_at")
    list_filter = ("stage",)
    list_select_related = ("student",)
    search_fields = ("student__last_name", "student__first_name")
    autocomplete_fields = ("student",)
    ordering = ("student", "stage")

from . import diagnostic_admin  # noqa: E402,F401  (the question bank of the diagnostics)
