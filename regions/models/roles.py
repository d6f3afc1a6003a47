"""The people who run regions: operator staff's curators of regions and the regions' coordinators (SPEC §2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import Region


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
