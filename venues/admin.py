from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from bilet.admin_mixins import (
    BigTableAdminMixin,
    PersonalDataExportMixin,
    PersonSearchMixin,
    PortalExportMixin,
    PortalImportExportMixin,
    ReadOnlyAdminMixin,
)
from bilet.resources import export_resource

from . import resources
from .models import Booking, Event, Mentor, MentorDocument, Recommendation, Venue, VenueCampaign, VenueStaff


class VenueCampaignInline(admin.TabularInline):
    model = VenueCampaign
    extra = 0
    fields = ("campaign", "contract_number", "contract_status", "contract_signed_on", "assigned_by", "assigned_at")
    readonly_fields = ("assigned_by", "assigned_at")
    verbose_name_plural = _("campaigns and contracts")


class VenueStaffInline(admin.TabularInline):
    model = VenueStaff
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Venue)
class VenueAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.VenueResource]
    list_display = ("short_name", "region", "municipality", "inn", "licence_number", "is_active")
    list_filter = ("is_active", "region", "campaigns__contract_status")
    list_select_related = ("region", "municipality")
    search_fields = ("short_name", "name", "inn", "licence_number", "address")
    autocomplete_fields = ("region", "municipality")
    filter_horizontal = ("accessible_for",)
    ordering = ("region", "short_name")
    inlines = [VenueCampaignInline, VenueStaffInline]


@admin.register(VenueCampaign)
class VenueCampaignAdmin(admin.ModelAdmin):
    list_display = ("venue", "campaign", "contract_number", "contract_status", "contract_signed_on", "assigned_at")
    list_filter = ("contract_status", "campaign", "venue__region")
    list_select_related = ("venue", "campaign")
    search_fields = ("venue__short_name", "venue__inn", "contract_number")
    autocomplete_fields = ("venue", "assigned_by")
    readonly_fields = ("assigned_at",)
    ordering = ("venue__short_name",)


@admin.register(VenueStaff)
class VenueStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "venue", "position")
    list_filter = ("venue__region",)
    list_select_related = ("user", "venue")
    search_fields = ("user__email", "user__last_name", "venue__short_name")
    autocomplete_fields = ("user", "venue")
    ordering = ("venue__short_name", "user__last_name")


class MentorDocumentInline(admin.TabularInline):
    model = MentorDocument
    extra = 0
    fields = ("title", "file", "uploaded_at")
    readonly_fields = ("uploaded_at",)


@admin.register(Mentor)
class MentorAdmin(PortalImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.MentorResource]
    list_display = ("full_name", "region", "organisation", "position", "email")
    list_filter = ("region", "competencies")
    list_select_related = ("region",)
    search_fields = ("last_name", "first_name", "middle_name", "organisation", "email", "user__email")
    autocomplete_fields = ("user", "region", "competencies", "venues")
    ordering = ("region", "last_name")
    inlines = [MentorDocumentInline]

    @admin.display(description=_("mentor"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name


@admin.register(MentorDocument)
class MentorDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "mentor", "uploaded_at")
    list_select_related = ("mentor",)
    search_fields = ("title", "mentor__last_name")
    autocomplete_fields = ("mentor",)
    readonly_fields = ("uploaded_at",)
    ordering = ("-uploaded_at",)


class BookingInline(admin.TabularInline):
    """An event's bookings, to read: seats are taken and freed only by the booking service (capacity, waiting list)."""

    model = Booking
    extra = 0
    fields = ("student", "status", "booked_by", "created_at", "cancelled_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student", "booked_by")


@admin.register(Event)
class EventAdmin(BigTableAdminMixin, PortalExportMixin, admin.ModelAdmin):
    resource_classes = [export_resource(Event, [
        "id", "title", "venue", "region", "campaign", "competency", "level", "mode", "address", "online_url",
        "starts_at", "ends_at", "capacity", "seats_taken", "grade_min", "grade_max", "status",
    ])]
    list_display = ("title", "venue", "region", "starts_at", "level", "mode", "capacity", "seats_taken", "status")
    list_filter = ("status", "mode", "level", "starts_at", "region", "campaign", "competency")
    list_select_related = ("venue", "region")
    search_fields = ("title", "venue__short_name", "venue__inn")
    autocomplete_fields = ("venue", "competency", "mentors")
    filter_horizontal = ("accessible_for",)
    ordering = ("-starts_at",)
    # Seats and the workflow's timestamps are kept by the services (booking under a row lock, approval, attendance).
    readonly_fields = (
        "region", "seats_taken", "created_by", "created_at", "submitted_at", "published_at", "attendance_marked_at",
    )
    inlines = [BookingInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        obj.region_id = obj.venue.region_id  # the venue's region, stored for the catalog's filters
        super().save_model(request, obj, form, change)


@admin.register(Booking)
class BookingAdmin(
    PersonSearchMixin, BigTableAdminMixin, ReadOnlyAdminMixin, PersonalDataExportMixin, PortalExportMixin,
    admin.ModelAdmin,
):
    """Bookings to read and export; every change goes through the booking service, which guards capacity."""

    resource_classes = [export_resource(Booking, ["id", "event", "student", "status", "created_at", "cancelled_at"])]
    list_display = ("student", "event", "status", "created_at", "cancelled_at")
    person_name_fields = ("student__last_name", "student__first_name", "student__middle_name")
    person_email_field = "student__user__email"
    # Filters on the booking's own columns only: a region filter through the event with the newest-first LIMIT
    # walks two million rows (measured: 2 s); an event's bookings are one click away from the event.
    list_filter = ("status", "event__mode")
    list_select_related = ("student", "event")
    search_fields = ("student__last_name", "student__first_name", "event__title")
    raw_id_fields = ("event", "student", "booked_by")
    # Two million rows: newest first along the primary key, no date hierarchy (it scans the table for its dates).
    ordering = ("-id",)


@admin.register(Recommendation)
class RecommendationAdmin(
    PersonSearchMixin, BigTableAdminMixin, PersonalDataExportMixin, PortalExportMixin, admin.ModelAdmin
):
    person_name_fields = ("booking__student__last_name", "booking__student__first_name", "booking__student__middle_name")
    person_email_field = "booking__student__user__email"
    resource_classes = [export_resource(Recommendation, ["id", "mentor", "competency", "text", "created_at"], related={
        "student": ("booking__student__full_name", Booking._meta.get_field("student").verbose_name),
        "event": ("booking__event__title", Booking._meta.get_field("event").verbose_name),
    })]
    list_display = ("booking", "mentor", "competency", "created_at", "updated_at")
    list_filter = ("competency",)
    list_select_related = ("booking__student", "booking__event", "mentor", "competency")
    search_fields = ("booking__student__last_name", "mentor__last_name", "text")
    raw_id_fields = ("booking",)
    autocomplete_fields = ("mentor", "competency")
    readonly_fields = ("created_at", "updated_at")
    ordering = ("-id",)
