"""Where the project happens: the regions (subjects of the Federation), their municipalities and schools."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


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
