from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("The email must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address.

    Roles are not flags on the user: each role is a record of its app (a coordinator of a region, a navigator of a
    school, …), so one person may hold several. Operator staff are `is_staff` users.
    """

    username = None
    email = models.EmailField(_("email"), unique=True)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p).strip()

    @property
    def is_operator(self) -> bool:
        return self.is_active and self.is_staff


class PersonalDataAccess(models.Model):
    """One page view, export or download that carried students' personal data (152-ФЗ: who, what, scope, when)."""

    class Kind(models.TextChoices):
        VIEW = "view", _("page view")
        EXPORT = "export", _("export")
        DOWNLOAD = "download", _("download")
        ADMIN_EXPORT = "admin_export", _("export from administration")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    what = models.CharField(_("what"), max_length=255)
    scope = models.CharField(_("data scope"), max_length=500, blank=True)
    query = models.CharField(_("parameters"), max_length=1000, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.what}"


class SignInAttempt(models.Model):
    """Every sign-in attempt, successful or not, for the security log."""

    email = models.CharField(_("address"), max_length=254, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    succeeded = models.BooleanField(_("succeeded"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.email} {'+' if self.succeeded else '-'}"


class NotificationKind(models.TextChoices):
    """What a notification is about; each user turns the email of each kind on or off (issue 15 §6)."""

    REQUEST_RECEIVED = "request_received", _("A curator's request received")
    REQUEST_ANSWERED = "request_answered", _("A request answered")
    REQUEST_ACCEPTED = "request_accepted", _("An answer to a request accepted")
    REQUEST_RETURNED = "request_returned", _("An answer to a request returned")
    REQUEST_DUE = "request_due", _("A request due on the next working day")
    EVENT_APPROVED = "event_approved", _("An event approved")
    EVENT_RETURNED = "event_returned", _("An event returned for changes")
    BOOKING_CONFIRMED = "booking_confirmed", _("A booking confirmed")
    BOOKING_PROMOTED = "booking_promoted", _("A place from the waiting list")
    EVENT_CHANGED = "event_changed", _("A booked event changed")
    EVENT_CANCELLED = "event_cancelled", _("A booked event cancelled")
    RECOMMENDATION_WRITTEN = "recommendation_written", _("A mentor's recommendation written")
    REPORT_ACCEPTED = "report_accepted", _("A report accepted")
    REPORT_RETURNED = "report_returned", _("A report returned")


class Notification(models.Model):
    """One message in a user's list of notifications in the portal."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The unread count on every page: an index holding only the unread rows.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
        ]

    def __str__(self):
        return self.text


class NotificationPreference(models.Model):
    """A user's choice of email for one kind of notification; no row means the email is sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self):
        return f"{self.user} {self.kind} {self.email}"
