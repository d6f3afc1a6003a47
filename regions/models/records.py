"""The records a coordinator keeps for the monthly report (seed 000 §6.2, issue 13 §1): promotion measures, the
team's training and its training needs."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..validators import validate_certificate
from .campaigns import Campaign
from .places import Region


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
