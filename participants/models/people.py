"""The people of the project: navigators, students, guardians and the guardians' confirmed links to children."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import Municipality, Nosology, Region, School


class Navigator(models.Model):
    """A teacher who registers and accompanies the school's students (seed 003: ≥70 students each)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="navigators"
    )
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="navigators")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="navigators")
    position = models.CharField(_("position"), max_length=200, blank=True)
    training_completed_on = models.DateField(_("training completed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("navigator")
        verbose_name_plural = _("navigators")
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="navigator_user_school_unique")]
        indexes = [models.Index(fields=["region", "school"], name="navigator_region_school_idx")]

    def __str__(self):
        return f"{self.user} ({self.school})"


class Student(models.Model):
    """A student of grades 6–11. Personal data: only the roles of SPEC §2 see it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="student",
    )
    # Region and municipality are the school's, stored for one-column filtering of a region's 10,000+ students.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="students")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="students"
    )
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="students")
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"), null=True)
    grade = models.PositiveSmallIntegerField(_("grade"))
    class_letter = models.CharField(_("class letter"), max_length=4, blank=True)
    nosology = models.ForeignKey(
        Nosology, verbose_name=_("disability group (nosology)"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="students",
    )
    registered_by = models.ForeignKey(
        Navigator, verbose_name=_("registered by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="registered_students",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # 152-ФЗ art. 21: after a withdrawal the personal fields are wiped; the row stays so the report counts hold.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=11), name="student_grade_1_11"),
        ]
        indexes = [
            # The student lists sort by full name: a region's list uses the first index, the operator's the second.
            # With the id (the lists' tie-breaker) a deep page of a region's list is read from the index in order,
            # without sorting the region's rows (the figures are in benchmarks/RESULTS.md).
            models.Index(
                fields=["region", "last_name", "first_name", "middle_name", "id"], name="student_region_name_idx"
            ),
            models.Index(fields=["last_name", "first_name", "middle_name"], name="student_name_idx"),
            models.Index(fields=["school", "grade"], name="student_school_grade_idx"),
            models.Index(fields=["municipality"], name="student_municipality_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def grade_label(self) -> str:
        return f"{self.grade}{self.class_letter}"


class Guardian(models.Model):
    """A parent (legal representative) account, created with the child's (seed 002) and linked to its children."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="guardian"
    )
    children = models.ManyToManyField(
        Student, verbose_name=_("children"), related_name="guardians", through="Guardianship", blank=True
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self):
        return str(self.user)


class Guardianship(models.Model):
    class Relation(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        OTHER = "other", _("other legal representative")

    guardian = models.ForeignKey(Guardian, verbose_name=_("parent"), on_delete=models.CASCADE)
    student = models.ForeignKey(Student, verbose_name=_("student"), on_delete=models.CASCADE)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices, default=Relation.OTHER)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [models.UniqueConstraint(fields=["guardian", "student"], name="guardianship_unique")]

    def __str__(self):
        return f"{self.guardian} → {self.student}"
