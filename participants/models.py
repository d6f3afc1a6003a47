import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
            # With the id (the lists' tie-breaker) a page of a region's ids is an index-only scan: 0.5 ms instead of
            # 34 ms of sorting 11,000 rows for ?page=50 (benchmarks/RESULTS.md).
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


class GuardianInvitation(models.Model):
    """A parent named by a student at sign-up (seed 002), invited by email to confirm the link.

    A `Guardianship` exists only once the parent has confirmed: every page and rule that follows a parent's children
    (booking, consents, results) reads `Guardianship`, so a pending or refused invitation grants nothing by
    construction. The link is a secret sent by email; only its SHA-256 is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the parent's answer")
        ACCEPTED = "accepted", _("confirmed by the parent")
        REFUSED = "refused", _("refused by the parent")
        CANCELLED = "cancelled", _("replaced by another invitation")

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="guardian_invitations"
    )
    email = models.EmailField(_("parent's email"))
    last_name = models.CharField(_("parent's last name"), max_length=150)
    first_name = models.CharField(_("parent's first name"), max_length=150)
    middle_name = models.CharField(_("parent's patronymic"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(_("link digest"), max_length=64, blank=True, db_index=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    guardian = models.ForeignKey(
        Guardian, verbose_name=_("parent"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="invitations", help_text=_("The parent who answered."),
    )

    class Meta:
        verbose_name = _("parent invitation")
        verbose_name_plural = _("parent invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A student waits for one parent's answer at a time; naming another replaces the pending invitation.
            models.UniqueConstraint(
                fields=["student"], condition=Q(status="pending"), name="guardian_invitation_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["email", "status"], name="guardian_invitation_email_idx")]

    def __str__(self):
        return f"{self.email} → {self.student}"

    @property
    def guardian_full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @staticmethod
    def digest(token: str) -> str:
        """What is stored of an emailed link's secret."""
        return hashlib.sha256(token.encode()).hexdigest()

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


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


class NavigatorInvitation(models.Model):
    """The email link by which an imported navigator sets a password and activates the account (issue 14 §2)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="navigator_invitations"
    )
    # Only a hash of the link's secret is stored: a leaked table grants no account.
    token_hash = models.CharField(_("link secret (hash)"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced by a new link at"), null=True, blank=True)

    class Meta:
        verbose_name = _("navigator invitation")
        verbose_name_plural = _("navigator invitations")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["user", "sent_at"], name="invitation_user_sent_idx")]

    def __str__(self):
        return f"{self.user} — {self.sent_at:%d.%m.%Y}"


class ImportJob(models.Model):
    """One uploaded table of students, navigators or venues: checked (preview), then imported once the user confirms.

    The file stays in the default storage so that a Celery worker on another machine reads the same bytes."""

    class Kind(models.TextChoices):
        STUDENTS = "students", _("students")
        NAVIGATORS = "navigators", _("navigators")
        VENUES = "venues", _("venues")

    class State(models.TextChoices):
        CHECKING = "checking", _("checking the file")
        INVALID = "invalid", _("the file has errors")
        VALID = "valid", _("checked, waiting for confirmation")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.CHECKING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    # The rows as the check read them, saved as UTF-8 CSV: the import after the confirmation reads this instead of
    # parsing the workbook a second time (reading CSV is far cheaper than reading XLSX; figures in benchmarks/RESULTS.md).
    rows_file = models.FileField(_("rows as read"), upload_to="imports/%Y/%m/", blank=True)
    table_kind = models.CharField(_("format"), max_length=4)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    # [{"row": n, "messages": ["…"]}] — the rows of the preview that block the import, in file order.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    is_async = models.BooleanField(_("in the background"), default=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="importjob_user_created_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def upload_url_name(self) -> str:
        return f"participants:import_{self.kind}"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.is_running else 100
        return min(100, self.processed_rows * 100 // self.total_rows)


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
