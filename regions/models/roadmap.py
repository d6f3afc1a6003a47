"""A region's roadmap for a campaign (issue 15 §2; the Tula table of seed 001 and the Kemerovo table of seed 004)."""

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..roadmap.numbers import section_of
from ..roadmap.periods import Period, PeriodKind, Recurrence
from .records import RegionRecord


class RoadmapItem(RegionRecord):
    """One row of the roadmap: a numbered activity with its period, responsible parties, expected result and status.

    A row numbered without a dot («1», «2») and without a period is its section's heading (seed 004: «1. Нормативное
    обеспечение проекта»); a top-level row with a period is an activity of its own that also heads its section (seed
    001: «2. Организация работы площадок проведения — Июнь – август 2020»). The period is stored as its kind and its
    first and last days (`regions.roadmap.periods`), so an item past its period is found by comparing dates."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("under way")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    # Not done yet: past its period, such an item is overdue (a cancelled one is not).
    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    PeriodKind = PeriodKind
    Recurrence = Recurrence

    number = models.CharField(_("№"), max_length=20, help_text=_("Numbers separated by dots: 1, 2, 2.1, 2.1.3"))
    # The number's parts zero-padded («2.10» → «002.010»), so the database orders 2.9 before 2.10.
    sort_key = models.CharField(_("order"), max_length=20, editable=False)
    activity = models.TextField(_("activity"))
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices, blank=True)
    period_start = models.DateField(_("period starts on"), null=True, blank=True)
    period_end = models.DateField(_("period ends on"), null=True, blank=True)
    period_recurrence = models.CharField(_("how often"), max_length=12, choices=Recurrence.choices, blank=True)
    responsible = models.TextField(_("responsible parties"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("roadmap item")
        verbose_name_plural = _("roadmap")
        ordering = ["region", "campaign", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["region", "campaign", "number"], name="roadmap_number_unique"),
            # A period is whole (kind, first and last day, in order); only a section's heading has none.
            models.CheckConstraint(
                condition=(
                    Q(period_kind="", period_start__isnull=True, period_end__isnull=True, period_recurrence="")
                    & ~Q(number__contains=".")
                )
                | (
                    ~Q(period_kind="")
                    & Q(period_start__isnull=False, period_end__isnull=False, period_end__gte=F("period_start"))
                ),
                name="roadmap_period_whole",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.activity[:60]}"

    @property
    def is_heading(self) -> bool:
        return not self.period_kind

    @property
    def section(self) -> int:
        return section_of(self.number)

    @property
    def period(self) -> Period | None:
        """The period as a value, None for a heading."""
        if self.is_heading:
            return None
        return Period(self.period_kind, self.period_start, self.period_end, self.period_recurrence)

    @property
    def period_text(self) -> str:
        period = self.period
        return period.text() if period is not None else ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in self.OPEN and self.period_end is not None and self.period_end < today
