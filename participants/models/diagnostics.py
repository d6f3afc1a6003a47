"""The online diagnostics (seed 000 §2.10–2.11): results, the versioned question bank and the attempts in progress."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .people import Student


class DiagnosticResult(models.Model):
    """One of the three stages of the online diagnostics (seed 000 §2.10–2.11) with its text result."""

    class Stage(models.IntegerChoices):
        FIRST = 1, _("stage 1")
        SECOND = 2, _("stage 2")
        THIRD = 3, _("stage 3")

    student = models.ForeignKey(Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="diagnostics")
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    completed_at = models.DateTimeField(_("completed at"))
    result = models.TextField(_("result"), blank=True)
    # The version the answers were scored with: a published version never changes, so neither does the result.
    # Empty for results recorded before the portal had its own test (imported or typed in the admin).
    version = models.ForeignKey(
        "DiagnosticVersion", verbose_name=_("question bank version"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="results",
    )
    # [{"code", "name", "score", "band", "text"}] per scale, in the version's order.
    scores = models.JSONField(_("scores"), default=list, blank=True)
    # The professional spheres the result points to (regions.Competency.sphere values), leading first.
    spheres = models.JSONField(_("professional spheres"), default=list, blank=True)

    class Meta:
        verbose_name = _("diagnostic result")
        verbose_name_plural = _("diagnostic results")
        ordering = ["student", "stage"]
        constraints = [models.UniqueConstraint(fields=["student", "stage"], name="diagnostic_student_stage_unique")]

    def __str__(self):
        return f"{self.student} — {self.get_stage_display()}"


# --- The question bank of the online diagnostics (seed 000 §2.10–2.11) ---------------------------------------------
# instrument (one per stage) → version (draft → published → archived; only a draft is ever edited) → scales with
# bands and questions with options; each option carries weights on the version's scales. Operator staff edit a draft
# in the admin; a published version is frozen so that the results scored with it stay readable as they were.


class DiagnosticInstrument(models.Model):
    """The test of one stage; its name and texts are data (the stages' public names vary from year to year)."""

    stage = models.PositiveSmallIntegerField(_("stage"), choices=DiagnosticResult.Stage.choices, unique=True)
    title = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("introduction for the student"), blank=True)

    class Meta:
        verbose_name = _("diagnostic test")
        verbose_name_plural = _("diagnostic tests")
        ordering = ["stage"]

    def __str__(self):
        return f"{self.stage}. {self.title}"


class DiagnosticVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    instrument = models.ForeignKey(
        DiagnosticInstrument, verbose_name=_("diagnostic test"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question bank version")
        verbose_name_plural = _("question bank versions")
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="diagnostic_version_number_unique"),
            # The version students take now: at most one per stage, whatever two operators click at once.
            models.UniqueConstraint(
                fields=["instrument"], condition=Q(status="published"), name="diagnostic_version_one_published"
            ),
        ]

    def __str__(self):
        return f"{self.instrument} — v{self.number} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class DiagnosticScale(models.Model):
    class Kind(models.TextChoices):
        SUM = "sum", _("sum of the chosen options' weights")
        PERCENT_CORRECT = "percent_correct", _("percentage of correct answers")

    version = models.ForeignKey(
        DiagnosticVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="scales"
    )
    code = models.SlugField(_("code"), max_length=40, help_text=_("Used in the options' weights, e.g. «nature»."))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("scoring"), max_length=20, choices=Kind.choices, default=Kind.SUM)
    spheres = models.TextField(
        _("professional spheres"), blank=True,
        help_text=_("One per line, as in the competencies' «professional sphere»: events of these spheres are "
                    "suggested when this scale leads."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        ordering = ["version", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="diagnostic_scale_code_unique")]

    def __str__(self):
        return self.name

    @property
    def sphere_list(self) -> list[str]:
        return [line.strip() for line in self.spheres.splitlines() if line.strip()]


class DiagnosticBand(models.Model):
    """A range of a scale's score with the text the student reads (SPEC §1: the result is a text)."""

    scale = models.ForeignKey(DiagnosticScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="bands")
    min_score = models.IntegerField(_("from score"))
    max_score = models.IntegerField(_("to score"))
    label = models.CharField(_("level"), max_length=100)
    text = models.TextField(_("text of the result"))

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        ordering = ["scale", "min_score"]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gte=models.F("min_score")), name="diagnostic_band_ordered"),
        ]

    def __str__(self):
        return f"{self.label} ({self.min_score}–{self.max_score})"


class DiagnosticQuestion(models.Model):
    version = models.ForeignKey(
        DiagnosticVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    page = models.PositiveSmallIntegerField(_("page"), default=1, help_text=_("Questions of one page are shown together."))
    text = models.TextField(_("question"))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="diagnostic_question_number_unique")]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


class DiagnosticOption(models.Model):
    question = models.ForeignKey(
        DiagnosticQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("answer"), max_length=500)
    # {"<scale code>": weight}: the points this answer adds to each scale of the version.
    weights = models.JSONField(_("weights on scales"), default=dict, blank=True)
    is_correct = models.BooleanField(
        _("correct answer"), default=False, help_text=_("For knowledge questions, scored by a percentage scale.")
    )

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "order", "pk"]

    def __str__(self):
        return self.text


class DiagnosticAttempt(models.Model):
    """A stage a student is taking: the answers are saved one by one, so the student may stop and come back."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="diagnostic_attempts"
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=DiagnosticResult.Stage.choices)
    # The version current when the student began: a version published meanwhile does not change the questions.
    version = models.ForeignKey(
        DiagnosticVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="attempts"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("diagnostic attempt")
        verbose_name_plural = _("diagnostic attempts")
        constraints = [models.UniqueConstraint(fields=["student", "stage"], name="diagnostic_attempt_student_stage")]

    def __str__(self):
        return f"{self.student} — {self.get_stage_display()}"


class DiagnosticAnswer(models.Model):
    attempt = models.ForeignKey(
        DiagnosticAttempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(DiagnosticQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(DiagnosticOption, verbose_name=_("answer"), on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="diagnostic_answer_once")]

    def __str__(self):
        return f"{self.question_id} → {self.option}"
