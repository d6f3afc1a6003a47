"""Consents to process personal data (152-ФЗ), the personal-data log's subjects and the acts of destruction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from .people import Guardian, Student


class ConsentText(models.Model):
    """A version of the consent's wording (152-ФЗ art. 9 §4 lists what it must say). Operator staff add a new
    version in the admin; a consent keeps the version it was given under, so what a parent agreed to stays readable."""

    version = models.PositiveSmallIntegerField(_("version"), unique=True)
    text = models.TextField(_("text of the consent"))
    effective_from = models.DateTimeField(_("in force from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-effective_from", "-version"]

    def __str__(self):
        return f"v{self.version}"


class Consent(models.Model):
    """Consent to process personal data (152-ФЗ). For a minor it is given by the guardian."""

    class Method(models.TextChoices):
        ELECTRONIC = "electronic", _("electronically")
        PAPER = "paper", _("on paper")

    student = models.ForeignKey(Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="consents")
    guardian = models.ForeignKey(
        Guardian, verbose_name=_("parent"), on_delete=models.SET_NULL, null=True, blank=True, related_name="consents"
    )
    given_by_name = models.CharField(_("consent given by"), max_length=300)
    given_at = models.DateTimeField(_("given at"))
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, default=Method.ELECTRONIC)
    paper_received_on = models.DateField(_("paper original received on"), null=True, blank=True)
    paper_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("paper original received by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    # Empty for consents recorded before the portal kept the wording (imported, typed in the admin).
    text_version = models.ForeignKey(
        ConsentText, verbose_name=_("text version"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="consents",
    )
    # Where an electronic consent came from (bilet.services.client_ip), as evidence of who gave it.
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # A database default too: the load data's COPY names its columns and leaves this one out.
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("personal data consent")
        verbose_name_plural = _("personal data consents")
        ordering = ["-given_at"]
        constraints = [
            # One consent in force per student; a withdrawn one stays on file beside a new one.
            models.UniqueConstraint(
                fields=["student"], condition=Q(withdrawn_at__isnull=True), name="consent_one_active_per_student"
            ),
        ]

    def __str__(self):
        return f"{self.student} — {self.given_at:%d.%m.%Y}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class PersonalDataSubject(models.Model):
    """The student a row of the personal-data log (bilet.PersonalDataAccess) was about, for pages and files of ONE
    student (the student's page, the diagnostics results, the consent form). A list page (a class, a search) names its
    students only by its query string, so it is not linked: the guardian's page says so. Kept here, not in bilet,
    because the lowest app must not know students."""

    access = models.ForeignKey(
        "bilet.PersonalDataAccess", verbose_name=_("log entry"), on_delete=models.CASCADE, related_name="subjects"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="personal_data_accesses"
    )

    class Meta:
        verbose_name = _("subject of a log entry")
        verbose_name_plural = _("subjects of log entries")
        constraints = [models.UniqueConstraint(fields=["access", "student"], name="pd_subject_unique")]
        indexes = [models.Index(fields=["student", "access"], name="pd_subject_student_idx")]


class DestructionAct(models.Model):
    """An act of destruction of a student's personal data after a withdrawn consent (Roskomnadzor order No. 179 of
    28.10.2022: the act and an extract of the event log, kept 3 years). It names the student by id only."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="destruction_acts"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(_("destroyed at"))
    # Empty when the daily job did it; a person when operator staff ran it by hand.
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("destroyed by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    categories = models.JSONField(_("categories of personal data destroyed"), default=list)
    log_extract = models.JSONField(_("extract of the event log"), default=list)
    keep_until = models.DateField(_("keep until"))

    class Meta:
        verbose_name = _("act of destruction of personal data")
        verbose_name_plural = _("acts of destruction of personal data")
        ordering = ["-performed_at"]
        constraints = [models.UniqueConstraint(fields=["student"], name="destruction_act_one_per_student")]

    def __str__(self):
        return f"№ {self.pk} ({self.performed_at:%d.%m.%Y})"
