from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_mixins import BigTableAdminMixin, PersonSearchMixin, ReadOnlyAdminMixin
from .models import Notification, PersonalDataAccess, SignInAttempt, User


@admin.register(User)
class UserAdmin(PersonSearchMixin, BigTableAdminMixin, DjangoUserAdmin):
    """Accounts sign in by email; roles are records of their apps (a coordinator, a navigator, …), not flags here."""

    list_display = ("email", "last_name", "first_name", "middle_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "last_name", "first_name")
    person_email_field = "email"
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("last_name", "first_name", "middle_name", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
    )


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The 152-ФЗ log of exports and downloads of personal data: read, never edited."""

    list_display = ("created_at", "user", "kind", "what", "scope", "row_count", "ip_address")
    list_filter = ("kind", "created_at", ("user", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("user__email", "what", "scope")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)


@admin.register(SignInAttempt)
class SignInAttemptAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "email", "succeeded", "user", "ip_address", "user_agent")
    list_filter = ("succeeded", "created_at")
    list_select_related = ("user",)
    search_fields = ("email", "ip_address")
    ordering = ("-created_at",)


@admin.register(Notification)
class NotificationAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """What the portal told whom (issue 15 §6); written by `bilet.notifications.notify` only."""

    list_display = ("created_at", "recipient", "kind", "text", "read_at")
    list_filter = ("kind", "created_at")
    list_select_related = ("recipient",)
    search_fields = ("recipient__email", "text")
    ordering = ("-created_at",)
