"""Campaigns of the project: their booking rules, stages and each region's targets."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .places import Region

GRADE_MIN, GRADE_MAX = 6, 11  # the project serves grades 6–11


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
