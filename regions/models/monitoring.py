"""Monitoring indicators (seed 004: criteria, indicators and units, values per year)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .places import Region


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
