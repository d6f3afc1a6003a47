"""Reference lists the operator keeps for every region: competencies and the disability groups (ОВЗ)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
