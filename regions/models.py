from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import validate_certificate

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
    # seed 003: each navigator brings 10–20 of their students to professional trials.
    trial_students_per_navigator_min = models.PositiveIntegerField(_("students in trials per navigator, from"), default=10)
    trial_students_per_navigator_max = models.PositiveIntegerField(_("students in trials per navigator, to"), default=20)

    class Meta:
        verbose_name = _("region target")
        verbose_name_plural = _("region targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "region"], name="target_campaign_region_unique"),
            models.CheckConstraint(
                condition=Q(trial_students_per_navigator_max__gte=F("trial_students_per_navigator_min")),
                name="target_trials_per_navigator_ordered",
            ),
        ]

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
    """A citizen's question or complaint (seed 000 §6.3), answered by a deadline (59-ФЗ art. 12: 30 days)."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        POST = "post", _("letter")
        PHONE = "phone", _("phone call")
        IN_PERSON = "in_person", pgettext_lazy("appeal channel", "in person")
        WEBSITE = "website", _("website form")
        SOCIAL = "social", _("social network")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="appeals")
    author_name = models.CharField(_("applicant"), max_length=200)
    author_email = models.EmailField(_("applicant's email"), blank=True)
    author_phone = models.CharField(_("applicant's phone"), max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
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
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("citizen appeal")
        verbose_name_plural = _("citizen appeals")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["region", "status", "due_on"], name="appeal_region_status_idx")]

    def __str__(self):
        return self.subject


# --- The records a coordinator keeps for the monthly report (seed 000 §6.2, issue 13 §1) ---------------------------


class RegionRecord(models.Model):
    """What every record of a region's campaign work shares: where, for which campaign, who entered it and when."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        abstract = True


class PromotionMeasure(RegionRecord):
    """A measure promoting the project in the region: a publication, a post, an event, a broadcast (§6.2)."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("publication")
        SOCIAL_POST = "social_post", _("social network post")
        EVENT = "event", _("event")
        BROADCAST = "broadcast", _("mailing")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    link = models.URLField(_("link"), max_length=500, blank=True)
    reach = models.PositiveIntegerField(
        _("reach"), null=True, blank=True, help_text=_("How many people it reached (views, participants, recipients)")
    )

    class Meta:
        verbose_name = _("promotion measure")
        verbose_name_plural = _("promotion measures")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["region", "campaign", "held_on"], name="promotion_region_date_idx")]

    def __str__(self):
        return self.title


class TeamRole(models.TextChoices):
    """Who in the region's team is trained, or needs training (§6.2)."""

    OFFICIAL = "official", _("education authority official")
    SCHOOL_HEAD = "school_head", _("school head")
    TEACHER = "teacher", _("teacher")
    NAVIGATOR = "navigator", _("navigator teacher")
    COORDINATOR = "coordinator", _("regional coordinator")


class TeamTraining(RegionRecord):
    """A member of the region's team who completed a course or a webinar (§6.2: «обучение команды»)."""

    class Format(models.TextChoices):
        COURSE = "course", _("course")
        WEBINAR = "webinar", _("webinar")

    person_name = models.CharField(_("person's full name"), max_length=300)
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    course = models.CharField(_("course or webinar"), max_length=300)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    completed_on = models.DateField(_("completed on"))
    certificate = models.FileField(
        _("certificate"), upload_to="training-certificates/%Y/%m/", blank=True,
        validators=[validate_certificate], help_text=_("PDF, JPEG or PNG, up to 10 MB"),
    )

    class Meta:
        verbose_name = _("team training")
        verbose_name_plural = _("team training")
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["region", "campaign", "completed_on"], name="training_region_date_idx")]

    def __str__(self):
        return f"{self.person_name}: {self.course}"


class TrainingNeed(RegionRecord):
    """Training the region's team still needs: a topic, for whom, how many people, in which month (§6.2)."""

    topic = models.CharField(_("topic"), max_length=300)
    audience = models.CharField(_("audience"), max_length=20, choices=TeamRole.choices)
    people_count = models.PositiveIntegerField(_("number of people"), validators=[MinValueValidator(1)])
    wished_month = models.DateField(_("wished month"), help_text=_("The first day of the month"))

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["wished_month", "pk"]
        indexes = [models.Index(fields=["region", "campaign", "wished_month"], name="need_region_month_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1), name="need_people_count_positive"),
        ]

    def __str__(self):
        return self.topic


# --- Monitoring indicators (seed 004: criteria, indicators and units, values per year) ------------------------------


class MonitoringCriterion(models.Model):
    title = models.CharField(_("criterion"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("monitoring criterion")
        verbose_name_plural = _("monitoring criteria")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class FigureCode(models.TextChoices):
    """The report figures of SPEC §4 that a single number stands for (participants_by_nosology is an object)."""

    STUDENTS_REGISTERED = "students_registered", pgettext_lazy("report figure", "students registered")
    DIAGNOSTICS_COMPLETED = (
        "diagnostics_completed", pgettext_lazy("report figure", "students who completed the diagnostics")
    )
    PARTICIPANTS = "participants", pgettext_lazy("report figure", "participants")
    PARTICIPANTS_INTRODUCTORY = (
        "participants_introductory", pgettext_lazy("report figure", "participants, introductory level")
    )
    PARTICIPANTS_ENGAGED = "participants_engaged", pgettext_lazy("report figure", "participants, engaged choice level")
    PARTICIPANTS_IN_DEPTH = (
        "participants_in_depth", pgettext_lazy("report figure", "participants, in-depth choice level")
    )
    PARTICIPANTS_OFFLINE = "participants_offline", pgettext_lazy("report figure", "participants in person")
    PARTICIPANTS_ONLINE = "participants_online", pgettext_lazy("report figure", "participants online")
    PARTICIPATIONS = "participations", pgettext_lazy("report figure", "participations")
    PARTICIPANTS_DISABLED = "participants_disabled", pgettext_lazy("report figure", "participants with disabilities")
    EVENTS_HELD = "events_held", pgettext_lazy("report figure", "events held")
    MENTORS_ACTIVE = "mentors_active", pgettext_lazy("report figure", "active mentors")
    VENUES_ACTIVE = "venues_active", pgettext_lazy("report figure", "active venues")
    NAVIGATORS = "navigators", pgettext_lazy("report figure", "navigators")
    NAVIGATORS_AT_QUOTA = "navigators_at_quota", pgettext_lazy("report figure", "navigators who reached the quota")
    CONSENTS_ACTIVE = "consents_active", pgettext_lazy("report figure", "active consents")
    TARGET_STUDENTS = "target_students", pgettext_lazy("report figure", "target: students")
    TARGET_NAVIGATORS = "target_navigators", pgettext_lazy("report figure", "target: navigators")
    TARGET_DIAGNOSTICS = "target_diagnostics", pgettext_lazy("report figure", "target: diagnostics")
    TARGET_TRIALS = "target_trials", pgettext_lazy("report figure", "target: trials")
    PROMOTION_MEASURES = "promotion_measures", pgettext_lazy("report figure", "promotion measures")
    TEAM_TRAININGS = "team_trainings", pgettext_lazy("report figure", "team members trained")
    TRAINING_NEEDS = "training_needs", pgettext_lazy("report figure", "training needs")
    MEDIA_FILES = "media_files", pgettext_lazy("report figure", "photos and videos")
    APPEALS = "appeals", pgettext_lazy("report figure", "citizen appeals")


class MonitoringIndicator(models.Model):
    """An indicator of a criterion, with its unit; an indicator with a figure code is computed, not entered."""

    class Unit(models.TextChoices):
        UNITS = "units", pgettext_lazy("unit", "units")
        PEOPLE = "people", pgettext_lazy("unit", "people")
        YES_NO = "yes_no", pgettext_lazy("unit", "yes/no")
        PERCENT = "percent", pgettext_lazy("unit", "%")

    criterion = models.ForeignKey(
        MonitoringCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=500)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    figure_code = models.CharField(
        _("report figure"), max_length=40, choices=FigureCode.choices, blank=True,
        help_text=_("When set, the value is computed from the report's figures and is not entered by hand"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("monitoring indicator")
        verbose_name_plural = _("monitoring indicators")
        ordering = ["criterion__order", "criterion_id", "order", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.figure_code)


class MonitoringValue(models.Model):
    """A region's value of an indicator for a year; yes/no is stored as 1 or 0."""

    indicator = models.ForeignKey(
        MonitoringIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring value")
        verbose_name_plural = _("monitoring values")
        ordering = ["region", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year"], name="monitoring_value_unique"),
        ]

    def __str__(self):
        return f"{self.indicator} — {self.region}, {self.year}"


class CuratorRequest(models.Model):
    """A curator's request to a region's coordinators (seed 000 §3.3, §6.1), answered by a date in working days.

    «Overdue» is not stored: it is an open or returned request whose date has passed (`is_overdue`), so it never
    goes stale."""

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting an answer")
        ANSWERED = "answered", _("answered")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for another answer")

    AWAITING = (Status.OPEN, Status.RETURNED)

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="requests")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("curator"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300)
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    # The working day before the date, coordinators get one reminder; set when it is sent (at most once).
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("curator's request")
        verbose_name_plural = _("curators' requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "status", "due_on"], name="request_region_status_idx")]

    def __str__(self):
        return self.subject

    def is_overdue(self, today) -> bool:
        return self.status in self.AWAITING and self.due_on < today


class RequestMessage(models.Model):
    """One entry of a request's thread: the request itself, an answer, an acceptance or a return with a comment."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("request")
        ANSWER = "answer", _("answer")
        ACCEPTANCE = "acceptance", _("accepted")
        RETURN = "return", _("returned")

    request = models.ForeignKey(
        CuratorRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


class RequestAttachment(models.Model):
    message = models.ForeignKey(
        RequestMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="requests/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name
