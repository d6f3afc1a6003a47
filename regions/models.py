from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

GRADE_MIN, GRADE_MAX = 6, 11  # the project serves grades 6–11


class Region(models.Model):
    """A subject of the Russian Federation (89 of them)."""

    code = models.CharField(_("code"), max_length=3, unique=True, help_text=_("Code of the federal subject, e.g. 71"))
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("name"), max_length=200)
    responsible_name = models.CharField(_("person responsible for the project"), max_length=200, blank=True)
    responsible_email = models.EmailField(_("responsible person's email"), blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_region_name_unique")]

    def __str__(self):
        return self.name


class School(models.Model):
    # The region is the municipality's; it is stored too so that a region's lists filter on one indexed column.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="schools")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="schools"
    )
    name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=200)
    inn = models.CharField(_("INN (taxpayer number)"), max_length=12, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    director_name = models.CharField(_("head teacher"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "short_name"], name="school_municipality_name_unique")
        ]
        indexes = [models.Index(fields=["region", "short_name"], name="school_region_name_idx")]

    def __str__(self):
        return self.short_name

    def clean(self):
        if self.municipality_id and self.region_id and self.municipality.region_id != self.region_id:
            raise ValidationError({"municipality": _("The municipality belongs to another region.")})


class Competency(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    sphere = models.CharField(_("professional sphere"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Nosology(models.Model):
    """A disability group (ОВЗ). The six groups are created by a data migration."""

    class Code(models.TextChoices):
        HEARING = "hearing", _("hearing impairment")
        SIGHT = "sight", _("visual impairment")
        MUSCULOSKELETAL = "musculoskeletal", _("musculoskeletal disorders")
        INTELLECTUAL = "intellectual", _("intellectual disabilities")
        AUTISM = "autism", _("autism spectrum disorders")
        OTHER = "other", _("other disabilities")

    code = models.CharField(_("code"), max_length=20, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("disability group")
        verbose_name_plural = _("disability groups")
        ordering = ["id"]

    def __str__(self):
        return str(self.get_code_display())


class Campaign(models.Model):
    """A period of the project set by the operator, with its booking rules (SPEC §3) as settings."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    booking_opens_at = models.DateTimeField(_("booking opens at"))
    booking_closes_at = models.DateTimeField(_("booking closes at"))
    grade_min = models.PositiveSmallIntegerField(_("from grade"), default=GRADE_MIN)
    grade_max = models.PositiveSmallIntegerField(_("to grade"), default=GRADE_MAX)
    consent_required = models.BooleanField(_("personal data consent required"), default=True)
    max_events_per_student = models.PositiveSmallIntegerField(_("events per student"), default=4)
    max_offline_per_student = models.PositiveSmallIntegerField(_("of them in person"), default=1)
    cancel_hours_before = models.PositiveSmallIntegerField(
        _("cancellation allowed until, hours before start"), default=24
    )
    recommendation_days = models.PositiveSmallIntegerField(_("days for the mentor's recommendation"), default=7)
    is_active = models.BooleanField(_("current"), default=False)
    # The date by which schools hand in the signed paper originals of the consents (the coverage page shows overdue).
    paper_deadline = models.DateField(_("deadline for paper consents"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_dates_ordered"),
            models.CheckConstraint(
                condition=Q(booking_closes_at__gt=F("booking_opens_at")), name="campaign_booking_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(grade_min__gte=GRADE_MIN, grade_max__lte=GRADE_MAX, grade_min__lte=F("grade_max")),
                name="campaign_grades_6_11",
            ),
            models.CheckConstraint(
                condition=Q(max_offline_per_student__lte=F("max_events_per_student")),
                name="campaign_offline_within_total",
            ),
            # At most one current campaign: the portal's "now".
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="campaign_one_active"),
        ]

    def __str__(self):
        return self.name


class CampaignStage(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("stage"), max_length=500)
    starts_on = models.DateField(_("start"))
    deadline = models.DateField(_("period"))

    class Meta:
        verbose_name = _("campaign stage")
        verbose_name_plural = _("campaign stages")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="stage_campaign_number_unique"),
            models.CheckConstraint(condition=Q(deadline__gte=F("starts_on")), name="stage_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class RegionTarget(models.Model):
    """A region's targets for a campaign (seed 003: ≥75 navigators, ≥4,500 students, ≥865 trials, ≥70 per navigator)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="targets")
    navigators = models.PositiveIntegerField(_("target: navigators"), default=0)
    students = models.PositiveIntegerField(_("target: students"), default=0)
    diagnostics = models.PositiveIntegerField(_("completed diagnostics"), default=0)
    trials = models.PositiveIntegerField(_("professional trials"), default=0)
    students_per_navigator = models.PositiveIntegerField(_("students per navigator"), default=70)

    class Meta:
        verbose_name = _("region target")
        verbose_name_plural = _("region targets")
        constraints = [models.UniqueConstraint(fields=["campaign", "region"], name="target_campaign_region_unique")]

    def __str__(self):
        return f"{self.region} — {self.campaign}"


class Curator(models.Model):
    """Operator staff assigned to one or more regions (read-only there)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="curator"
    )
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), related_name="curators", blank=True)

    class Meta:
        verbose_name = _("regional curator")
        verbose_name_plural = _("regional curators")

    def __str__(self):
        return str(self.user)


class Coordinator(models.Model):
    """The regional coordinator, named by the region's education authority (seed 000 §4.1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="coordinators"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="coordinators")
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved by the operator"), null=True, blank=True)

    class Meta:
        verbose_name = _("regional coordinator")
        verbose_name_plural = _("regional coordinators")
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="coordinator_user_region_unique")]

    def __str__(self):
        return f"{self.user} ({self.region})"


class RoadmapItem(models.Model):
    """An item of a region's roadmap (seed 001, seed 004)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("under way")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="roadmap")
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.CharField(_("№"), max_length=20)
    activity = models.TextField(_("event"))
    period = models.CharField(_("period"), max_length=200)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    responsible = models.TextField(_("responsible parties"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("roadmap item")
        verbose_name_plural = _("roadmap")
        ordering = ["region", "number"]
        constraints = [models.UniqueConstraint(fields=["region", "campaign", "number"], name="roadmap_number_unique")]

    def __str__(self):
        return f"{self.number} {self.activity[:60]}"


class Appeal(models.Model):
    """A citizen's question or complaint (seed 000 §6.3), answered by a deadline."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="appeals")
    author_name = models.CharField(_("applicant"), max_length=200)
    author_email = models.EmailField(_("applicant's email"), blank=True)
    author_phone = models.CharField(_("applicant's phone"), max_length=32, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("appeal text"))
    received_at = models.DateTimeField(_("received at"))
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("citizen appeal")
        verbose_name_plural = _("citizen appeals")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["region", "status", "due_on"], name="appeal_region_status_idx")]

    def __str__(self):
        return self.subject
