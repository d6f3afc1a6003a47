from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from participants.models import Student
from regions.models import Campaign, Competency, Municipality, Nosology, Region

DOCUMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class Venue(models.Model):
    """A licensed organisation where practicums are held (seed 000 §2.4)."""

    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="venues")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("муниципалитет"), on_delete=models.PROTECT, related_name="venues"
    )
    name = models.CharField(_("полное название"), max_length=500)
    short_name = models.CharField(_("краткое название"), max_length=200)
    inn = models.CharField(_("ИНН"), max_length=12)
    address = models.CharField(_("адрес"), max_length=500)
    licence_number = models.CharField(_("номер лицензии на образовательную деятельность"), max_length=100)
    licence_issued_on = models.DateField(_("дата выдачи лицензии"), null=True, blank=True)
    accessible_for = models.ManyToManyField(
        Nosology, verbose_name=_("доступна для групп ОВЗ"), blank=True, related_name="venues"
    )
    accessibility_notes = models.TextField(_("доступная среда"), blank=True)
    contact_name = models.CharField(_("контактное лицо"), max_length=200, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("площадка")
        verbose_name_plural = _("площадки")
        ordering = ["short_name"]
        constraints = [models.UniqueConstraint(fields=["region", "inn"], name="venue_region_inn_unique")]
        indexes = [models.Index(fields=["region", "short_name"], name="venue_region_name_idx")]

    def __str__(self):
        return self.short_name


class VenueCampaign(models.Model):
    """A campaign assigned to a venue by the coordinator (seed 000 §5.4), with the venue's contract with the operator."""

    class ContractStatus(models.TextChoices):
        NONE = "none", _("не заключён")
        SENT = "sent", _("направлен на подписание")
        SIGNED = "signed", _("подписан")
        TERMINATED = "terminated", _("расторгнут")

    venue = models.ForeignKey(Venue, verbose_name=_("площадка"), on_delete=models.CASCADE, related_name="campaigns")
    campaign = models.ForeignKey(Campaign, verbose_name=_("кампания"), on_delete=models.PROTECT, related_name="venues")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("назначил"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    assigned_at = models.DateTimeField(_("назначена"), auto_now_add=True)
    contract_number = models.CharField(_("номер договора"), max_length=100, blank=True)
    contract_status = models.CharField(
        _("договор"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.NONE
    )
    contract_signed_on = models.DateField(_("договор подписан"), null=True, blank=True)

    class Meta:
        verbose_name = _("кампания площадки")
        verbose_name_plural = _("кампании площадок")
        constraints = [
            models.UniqueConstraint(fields=["venue", "campaign"], name="venue_campaign_unique"),
            models.CheckConstraint(
                condition=~Q(contract_status="signed") | Q(contract_signed_on__isnull=False),
                name="venue_campaign_signed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.venue} — {self.campaign}"


class VenueStaff(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.CASCADE, related_name="venue_roles"
    )
    venue = models.ForeignKey(Venue, verbose_name=_("площадка"), on_delete=models.CASCADE, related_name="staff")
    position = models.CharField(_("должность"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("сотрудник площадки")
        verbose_name_plural = _("сотрудники площадок")
        constraints = [models.UniqueConstraint(fields=["user", "venue"], name="venue_staff_unique")]

    def __str__(self):
        return f"{self.user} ({self.venue})"


class Mentor(models.Model):
    """An expert who runs practicums and writes recommendations (seed 000 §2.8)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="mentor",
    )
    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="mentors")
    last_name = models.CharField(_("фамилия"), max_length=150)
    first_name = models.CharField(_("имя"), max_length=150)
    middle_name = models.CharField(_("отчество"), max_length=150, blank=True)
    organisation = models.CharField(_("организация"), max_length=300)
    position = models.CharField(_("должность"), max_length=200, blank=True)
    competencies = models.ManyToManyField(Competency, verbose_name=_("компетенции"), related_name="mentors")
    venues = models.ManyToManyField(Venue, verbose_name=_("площадки"), related_name="mentors", blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("наставник")
        verbose_name_plural = _("наставники")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["region", "last_name"], name="mentor_region_name_idx")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class MentorDocument(models.Model):
    """A qualification document of a mentor (diploma, certificate of a Worldskills expert, …)."""

    mentor = models.ForeignKey(Mentor, verbose_name=_("наставник"), on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("документ"), max_length=300)
    file = models.FileField(
        _("файл"), upload_to="mentor-documents/%Y/%m/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    uploaded_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("документ о квалификации")
        verbose_name_plural = _("документы о квалификации")

    def __str__(self):
        return self.title


class Event(models.Model):
    """A practicum (профессиональная проба / практическое мероприятие)."""

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("ознакомительный")
        ENGAGED = "engaged", _("вовлечённый выбор")
        IN_DEPTH = "in_depth", _("углублённый выбор")

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("очно")
        ONLINE = "online", _("онлайн")

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        SUBMITTED = "submitted", _("на согласовании")
        RETURNED = "returned", _("возвращено на доработку")
        PUBLISHED = "published", _("опубликовано")
        CANCELLED = "cancelled", _("отменено")

    venue = models.ForeignKey(Venue, verbose_name=_("площадка"), on_delete=models.PROTECT, related_name="events")
    # The venue's region, stored so that a region's schedule and the catalog filter on one indexed column.
    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="events")
    campaign = models.ForeignKey(Campaign, verbose_name=_("кампания"), on_delete=models.PROTECT, related_name="events")
    competency = models.ForeignKey(
        Competency, verbose_name=_("компетенция"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("название"), max_length=300)
    description = models.TextField(_("описание"), blank=True)
    level = models.CharField(_("уровень"), max_length=20, choices=Level.choices)
    mode = models.CharField(_("формат"), max_length=10, choices=Mode.choices)
    address = models.CharField(_("адрес проведения"), max_length=500, blank=True)
    online_url = models.URLField(_("ссылка на трансляцию"), blank=True)
    starts_at = models.DateTimeField(_("начало"))
    ends_at = models.DateTimeField(_("окончание"))
    capacity = models.PositiveIntegerField(_("мест"), validators=[MinValueValidator(1)])
    # Confirmed seats, kept by the booking service under the event's row lock; the check below makes overbooking
    # impossible even for code that forgets the lock.
    seats_taken = models.PositiveIntegerField(_("занято мест"), default=0)
    grade_min = models.PositiveSmallIntegerField(_("с класса"), default=6)
    grade_max = models.PositiveSmallIntegerField(_("по класс"), default=11)
    accessible_for = models.ManyToManyField(
        Nosology, verbose_name=_("доступно для групп ОВЗ"), blank=True, related_name="events"
    )
    mentors = models.ManyToManyField(Mentor, verbose_name=_("наставники"), blank=True, related_name="events")
    status = models.CharField(_("статус"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    coordinator_comment = models.TextField(_("комментарий координатора"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("создал"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("отправлено на согласование"), null=True, blank=True)
    published_at = models.DateTimeField(_("опубликовано"), null=True, blank=True)
    attendance_marked_at = models.DateTimeField(_("посещаемость отмечена"), null=True, blank=True)

    class Meta:
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")
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
        CONFIRMED = "confirmed", _("подтверждена")
        WAITLISTED = "waitlisted", _("в листе ожидания")
        CANCELLED = "cancelled", _("отменена")
        ATTENDED = "attended", _("посетил")
        NO_SHOW = "no_show", _("не пришёл")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.ATTENDED, Status.NO_SHOW)

    event = models.ForeignKey(Event, verbose_name=_("мероприятие"), on_delete=models.PROTECT, related_name="bookings")
    student = models.ForeignKey(Student, verbose_name=_("участник"), on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(_("статус"), max_length=12, choices=Status.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("записал"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("отменена"), null=True, blank=True)

    class Meta:
        verbose_name = _("запись")
        verbose_name_plural = _("записи")
        ordering = ["created_at"]
        constraints = [
            # "One booking per student and event" must hold under any race: the database enforces it.
            models.UniqueConstraint(
                fields=["event", "student"],
                condition=Q(status__in=["confirmed", "waitlisted", "attended", "no_show"]),
                name="booking_one_active_per_student_event",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="booking_event_status_idx"),
            models.Index(fields=["student", "status"], name="booking_student_status_idx"),
        ]

    def __str__(self):
        return f"{self.student} → {self.event}"


class Recommendation(models.Model):
    """A mentor's individual recommendation for a student who attended an event."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("запись"), on_delete=models.CASCADE, related_name="recommendation"
    )
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("наставник"), on_delete=models.PROTECT, related_name="recommendations"
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("направление"), on_delete=models.PROTECT, related_name="recommendations"
    )
    text = models.TextField(_("рекомендация"))
    created_at = models.DateTimeField(_("написана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    class Meta:
        verbose_name = _("рекомендация наставника")
        verbose_name_plural = _("рекомендации наставников")

    def __str__(self):
        return f"{self.mentor} → {self.booking.student}"
