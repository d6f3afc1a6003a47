"""A region's roadmap for a campaign (seeds 001 and 004)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .places import Region


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
