from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from participants.models import Student
from regions.models import Campaign, Competency, Municipality, Nosology, Region
from regions.validators import validate_contract_document

DOCUMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class Venue(models.Model):
    """A licensed organisation where practicums are held (seed 000 §2.4)."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="venues")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="venues"
    )
    name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=200)
    inn = models.CharField(_("INN (taxpayer number)"), max_length=12)
    address = models.CharField(_("address"), max_length=500)
    licence_number = models.CharField(_("education licence number"), max_length=100)
    licence_issued_on = models.DateField(_("licence issued on"), null=True, blank=True)
    accessible_for = models.ManyToManyField(
        Nosology, verbose_name=_("venue accessible for disability groups"), blank=True, related_name="venues"
    )
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["short_name"]
        constraints = [models.UniqueConstraint(fields=["region", "inn"], name="venue_region_inn_unique")]
        indexes = [models.Index(fields=["region", "short_name"], name="venue_region_name_idx")]

    def __str__(self):
        return self.short_name


class VenueCampaign(models.Model):
    """A campaign assigned to a venue by the coordinator (seed 000 §5.4), with the venue's contract with the operator."""

    class ContractStatus(models.TextChoices):
        NONE = "none", _("not concluded")
        DRAFT = "draft", pgettext_lazy("contract", "draft")
        SENT = "sent", _("sent for signature")
        SIGNED = "signed", _("signed")
        EXPIRED = "expired", _("expired")
        TERMINATED = "terminated", _("terminated")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="campaigns")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="venues")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    contract_number = models.CharField(_("contract number"), max_length=100, blank=True)
    contract_status = models.CharField(
        _("contract"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.NONE
    )
    contract_signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    contract_valid_from = models.DateField(_("contract valid from"), null=True, blank=True)
    contract_valid_until = models.DateField(_("contract valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("venue campaign")
        verbose_name_plural = _("venue campaigns")
        constraints = [
            models.UniqueConstraint(fields=["venue", "campaign"], name="venue_campaign_unique"),
            models.CheckConstraint(
                condition=~Q(contract_status="signed") | Q(contract_signed_on__isnull=False),
                name="venue_campaign_signed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(contract_valid_from__isnull=True) | Q(contract_valid_until__isnull=True)
                | Q(contract_valid_until__gte=F("contract_valid_from")),
                name="venue_campaign_contract_period",
            ),
        ]

    def __str__(self):
        return f"{self.venue} — {self.campaign}"


class VenueContractDocument(models.Model):
    """A document of a venue's contract for a campaign (the signed scan, an annex); its type is checked by content."""

    assignment = models.ForeignKey(
        VenueCampaign, verbose_name=_("venue campaign"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("document"), max_length=300)
    file = models.FileField(_("file"), upload_to="venue-contracts/%Y/%m/", validators=[validate_contract_document])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class VenueStaff(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="venue_roles"
    )
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="staff")
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("venue staff")
        verbose_name_plural = _("venue staff members")
        constraints = [models.UniqueConstraint(fields=["user", "venue"], name="venue_staff_unique")]

    def __str__(self):
        return f"{self.user} ({self.venue})"


class Mentor(models.Model):
    """An expert who runs practicums and writes recommendations (seed 000 §2.8)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="mentor",
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="mentors")
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300)
    position = models.CharField(_("position"), max_length=200, blank=True)
    competencies = models.ManyToManyField(Competency, verbose_name=_("competencies"), related_name="mentors")
    venues = models.ManyToManyField(Venue, verbose_name=_("venues"), related_name="mentors", blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["region", "last_name"], name="mentor_region_name_idx")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class MentorDocument(models.Model):
    """A qualification document of a mentor (diploma, certificate of a Worldskills expert, …)."""

    mentor = models.ForeignKey(Mentor, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("document"), max_length=300)
    file = models.FileField(
        _("file"), upload_to="mentor-documents/%Y/%m/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")

    def __str__(self):
        return self.title


class Event(models.Model):
    """A practicum (профессиональная проба / практическое мероприятие)."""

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("introductory")
        ENGAGED = "engaged", _("engaged choice")
        IN_DEPTH = "in_depth", _("in-depth choice")

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("in person")
        ONLINE = "online", _("online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for changes")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="events")
    # The venue's region, stored so that a region's schedule and the catalog filter on one indexed column.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="events")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="events")
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    address = models.CharField(_("venue address"), max_length=500, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    # Confirmed seats, kept by the booking service under the event's row lock; the check below makes overbooking
    # impossible even for code that forgets the lock.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)
    grade_min = models.PositiveSmallIntegerField(_("from grade"), default=6)
    grade_max = models.PositiveSmallIntegerField(_("to grade"), default=11)
    accessible_for = models.ManyToManyField(
        Nosology, verbose_name=_("accessible for disability groups"), blank=True, related_name="events"
    )
    mentors = models.ManyToManyField(Mentor, verbose_name=_("mentors"), blank=True, related_name="events")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    coordinator_comment = models.TextField(_("coordinator's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    attendance_marked_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="event_never_overbooked"),
            models.CheckConstraint(
                condition=Q(grade_min__gte=6, grade_max__lte=11, grade_min__lte=F("grade_max")),
                name="event_grades_6_11",
            ),
            models.CheckConstraint(
                condition=Q(mode="online") | ~Q(address=""), name="event_offline_has_address"
            ),
            models.CheckConstraint(
                condition=Q(mode="offline") | ~Q(online_url=""), name="event_online_has_link"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start_idx"),
            models.Index(fields=["region", "status", "starts_at"], name="event_region_status_idx"),
            models.Index(fields=["venue", "starts_at"], name="event_venue_start_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


class Booking(models.Model):
    """A student's place at an event."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("waiting list")
        CANCELLED = "cancelled", pgettext_lazy("booking status", "cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("no-show")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.ATTENDED, Status.NO_SHOW)

    # No index of their own: (event, status, created_at) and (student, status) below lead with them, and every
    # booking written would otherwise maintain two more indexes that no query needs.
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Written with the confirmed booking, in its transaction: the family is told by a beat task that reads these
    # (venues.services.notifications), so no booking is left untold if the broker was away when it committed.
    # (A database default too: the bulk loaders' COPY leaves the column out.)
    notify_pending = models.BooleanField(_("family still to be told"), default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["created_at"]
        constraints = [
            # "One booking per student and event" must hold under any race: the database enforces it. The student
            # leads: the booking path's statements look up a student's active bookings (all of them, and the one on
            # this event) by this index, whose length does not grow with a popular event's queue.
            models.UniqueConstraint(
                fields=["student", "event"],
                condition=Q(status__in=["confirmed", "waitlisted", "attended", "no_show"]),
                name="booking_one_active_per_student_event",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="booking_event_status_idx"),
            models.Index(fields=["student", "status"], name="booking_student_status_idx"),
            # Only the few bookings whose family is still to be told: the beat task's read, whatever the table's size.
            models.Index(fields=["id"], condition=Q(notify_pending=True), name="booking_notify_pending_idx"),
        ]

    def __str__(self):
        return f"{self.student} → {self.event}"


class Recommendation(models.Model):
    """A mentor's individual recommendation for a student who attended an event."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="recommendation"
    )
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="recommendations"
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("direction"), on_delete=models.PROTECT, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("mentor recommendation")
        verbose_name_plural = _("mentor recommendations")

    def __str__(self):
        return f"{self.mentor} → {self.booking.student}"


# Photos and videos (issue 15 §5) live in a module of their own; importing it here makes them models of this app.
from .models_media import MediaFile  # noqa: E402,F401
