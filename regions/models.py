from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

GRADE_MIN, GRADE_MAX = 6, 11  # the project serves grades 6–11


class Region(models.Model):
    """A subject of the Russian Federation (89 of them)."""

    code = models.CharField(_("код"), max_length=3, unique=True, help_text=_("Код субъекта РФ, например 71"))
    name = models.CharField(_("название"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("название"), max_length=200)
    responsible_name = models.CharField(_("ответственный за проект"), max_length=200, blank=True)
    responsible_email = models.EmailField(_("почта ответственного"), blank=True)
    responsible_phone = models.CharField(_("телефон ответственного"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("муниципалитет")
        verbose_name_plural = _("муниципалитеты")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_region_name_unique")]

    def __str__(self):
        return self.name


class School(models.Model):
    # The region is the municipality's; it is stored too so that a region's lists filter on one indexed column.
    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="schools")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("муниципалитет"), on_delete=models.PROTECT, related_name="schools"
    )
    name = models.CharField(_("полное название"), max_length=500)
    short_name = models.CharField(_("краткое название"), max_length=200)
    inn = models.CharField(_("ИНН"), max_length=12, blank=True)
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    director_name = models.CharField(_("директор"), max_length=200, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("школа")
        verbose_name_plural = _("школы")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "short_name"], name="school_municipality_name_unique")
        ]
        indexes = [models.Index(fields=["region", "short_name"], name="school_region_name_idx")]

    def __str__(self):
        return self.short_name

    def clean(self):
        if self.municipality_id and self.region_id and self.municipality.region_id != self.region_id:
            raise ValidationError({"municipality": _("Муниципалитет относится к другому региону.")})


class Competency(models.Model):
    code = models.CharField(_("код"), max_length=20, unique=True)
    name = models.CharField(_("название"), max_length=200, unique=True)
    sphere = models.CharField(_("профессиональная сфера"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("компетенция")
        verbose_name_plural = _("компетенции")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Nosology(models.Model):
    """A disability group (ОВЗ). The six groups are created by a data migration."""

    class Code(models.TextChoices):
        HEARING = "hearing", _("нарушения слуха")
        SIGHT = "sight", _("нарушения зрения")
        MUSCULOSKELETAL = "musculoskeletal", _("нарушения опорно-двигательного аппарата")
        INTELLECTUAL = "intellectual", _("интеллектуальные нарушения")
        AUTISM = "autism", _("расстройства аутистического спектра")
        OTHER = "other", _("другие нарушения")

    code = models.CharField(_("код"), max_length=20, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("нозологическая группа")
        verbose_name_plural = _("нозологические группы")
        ordering = ["id"]

    def __str__(self):
        return str(self.get_code_display())


class Campaign(models.Model):
    """A period of the project set by the operator, with its booking rules (SPEC §3) as settings."""

    name = models.CharField(_("название"), max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(_("год"))
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    booking_opens_at = models.DateTimeField(_("запись открывается"))
    booking_closes_at = models.DateTimeField(_("запись закрывается"))
    grade_min = models.PositiveSmallIntegerField(_("с класса"), default=GRADE_MIN)
    grade_max = models.PositiveSmallIntegerField(_("по класс"), default=GRADE_MAX)
    consent_required = models.BooleanField(_("нужно согласие на обработку ПДн"), default=True)
    max_events_per_student = models.PositiveSmallIntegerField(_("мероприятий на участника"), default=4)
    max_offline_per_student = models.PositiveSmallIntegerField(_("из них очных"), default=1)
    cancel_hours_before = models.PositiveSmallIntegerField(
        _("отмена записи не позднее, ч до начала"), default=24
    )
    recommendation_days = models.PositiveSmallIntegerField(_("срок рекомендации наставника, дней"), default=7)
    is_active = models.BooleanField(_("текущая"), default=False)

    class Meta:
        verbose_name = _("кампания")
        verbose_name_plural = _("кампании")
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
    campaign = models.ForeignKey(Campaign, verbose_name=_("кампания"), on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(_("номер"))
    title = models.CharField(_("этап"), max_length=500)
    starts_on = models.DateField(_("начало"))
    deadline = models.DateField(_("срок"))

    class Meta:
        verbose_name = _("этап кампании")
        verbose_name_plural = _("этапы кампании")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="stage_campaign_number_unique"),
            models.CheckConstraint(condition=Q(deadline__gte=F("starts_on")), name="stage_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class RegionTarget(models.Model):
    """A region's targets for a campaign (seed 003: ≥75 navigators, ≥4,500 students, ≥865 trials, ≥70 per navigator)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("кампания"), on_delete=models.CASCADE, related_name="targets")
    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.CASCADE, related_name="targets")
    navigators = models.PositiveIntegerField(_("педагогов-навигаторов"), default=0)
    students = models.PositiveIntegerField(_("участников"), default=0)
    diagnostics = models.PositiveIntegerField(_("прошли диагностику"), default=0)
    trials = models.PositiveIntegerField(_("профессиональных проб"), default=0)
    students_per_navigator = models.PositiveIntegerField(_("участников на навигатора"), default=70)

    class Meta:
        verbose_name = _("целевые показатели региона")
        verbose_name_plural = _("целевые показатели регионов")
        constraints = [models.UniqueConstraint(fields=["campaign", "region"], name="target_campaign_region_unique")]

    def __str__(self):
        return f"{self.region} — {self.campaign}"


class Curator(models.Model):
    """Operator staff assigned to one or more regions (read-only there)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.CASCADE, related_name="curator"
    )
    regions = models.ManyToManyField(Region, verbose_name=_("регионы"), related_name="curators", blank=True)

    class Meta:
        verbose_name = _("куратор региона")
        verbose_name_plural = _("кураторы регионов")

    def __str__(self):
        return str(self.user)


class Coordinator(models.Model):
    """The regional coordinator, named by the region's education authority (seed 000 §4.1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.CASCADE, related_name="coordinators"
    )
    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="coordinators")
    organisation = models.CharField(_("организация"), max_length=300, blank=True)
    position = models.CharField(_("должность"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("утверждён оператором"), null=True, blank=True)

    class Meta:
        verbose_name = _("региональный координатор")
        verbose_name_plural = _("региональные координаторы")
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="coordinator_user_region_unique")]

    def __str__(self):
        return f"{self.user} ({self.region})"


class RoadmapItem(models.Model):
    """An item of a region's roadmap (seed 001, seed 004)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        IN_PROGRESS = "in_progress", _("выполняется")
        DONE = "done", _("выполнено")
        CANCELLED = "cancelled", _("отменено")

    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.CASCADE, related_name="roadmap")
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("кампания"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.CharField(_("№"), max_length=20)
    activity = models.TextField(_("мероприятие"))
    period = models.CharField(_("срок"), max_length=200)
    due_on = models.DateField(_("крайний срок"), null=True, blank=True)
    responsible = models.TextField(_("ответственные"), blank=True)
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("пункт дорожной карты")
        verbose_name_plural = _("дорожная карта")
        ordering = ["region", "number"]
        constraints = [models.UniqueConstraint(fields=["region", "campaign", "number"], name="roadmap_number_unique")]

    def __str__(self):
        return f"{self.number} {self.activity[:60]}"


class Appeal(models.Model):
    """A citizen's question or complaint (seed 000 §6.3), answered by a deadline."""

    class Status(models.TextChoices):
        NEW = "new", _("новое")
        IN_PROGRESS = "in_progress", _("в работе")
        ANSWERED = "answered", _("отвечено")

    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="appeals")
    author_name = models.CharField(_("заявитель"), max_length=200)
    author_email = models.EmailField(_("почта заявителя"), blank=True)
    author_phone = models.CharField(_("телефон заявителя"), max_length=32, blank=True)
    subject = models.CharField(_("тема"), max_length=300)
    text = models.TextField(_("текст обращения"))
    received_at = models.DateTimeField(_("поступило"))
    due_on = models.DateField(_("ответить до"))
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(_("ответ"), blank=True)
    answered_at = models.DateTimeField(_("дата ответа"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ответил"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("обращение граждан")
        verbose_name_plural = _("обращения граждан")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["region", "status", "due_on"], name="appeal_region_status_idx")]

    def __str__(self):
        return self.subject
