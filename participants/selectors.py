"""Navigators, students, guardians and consents a user may see (SPEC §2).

Students are minors' personal data: a student is visible to operator staff, the curators and coordinator of their
region, the navigators of their school, their guardians, themselves, the staff of venues where they hold a booking
and the mentors of events they attended — and to nobody else.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bilet.models import PersonalDataAccess

from bilet.roles import get_roles

from .models import (
    Consent,
    DestructionAct,
    DiagnosticAttempt,
    DiagnosticOption,
    DiagnosticQuestion,
    DiagnosticResult,
    DiagnosticVersion,
    Guardian,
    GuardianInvitation,
    Guardianship,
    Navigator,
    Student,
)

# Booking statuses under which a venue sees the student (the booking is "on" the venue's event).
_VENUE_VISIBLE = ["confirmed", "waitlisted", "attended", "no_show"]


def navigator_list(*, user) -> QuerySet[Navigator]:
    roles = get_roles(user)
    qs = Navigator.objects.select_related("user", "school", "school__municipality", "region")
    if roles.operator:
        return qs
    return qs.filter(Q(region_id__in=roles.region_ids) | Q(school_id__in=roles.navigator_school_ids))


def student_scope(roles) -> Q | None:
    """The filter for the students `roles` may see; None means everyone."""
    if roles.operator:
        return None
    q = Q(pk__in=[])
    if roles.region_ids:
        q |= Q(region_id__in=roles.region_ids)
    if roles.navigator_school_ids:
        q |= Q(school_id__in=roles.navigator_school_ids)
    if roles.guardian_id is not None:
        q |= Q(pk__in=_children_of(roles.guardian_id))
    if roles.student_id is not None:
        q |= Q(pk=roles.student_id)
    if roles.venue_ids:
        # Reverse lookups by name: participants must not import venues (a higher app).
        q |= Q(
            pk__in=Student.objects.filter(
                bookings__event__venue_id__in=roles.venue_ids, bookings__status__in=_VENUE_VISIBLE
            ).values("pk")
        )
    if roles.mentor_id is not None:
        q |= Q(
            pk__in=Student.objects.filter(
                bookings__event__mentors__id=roles.mentor_id, bookings__status="attended"
            ).values("pk")
        )
    return q


def student_list(*, user) -> QuerySet[Student]:
    roles = get_roles(user)
    qs = Student.objects.select_related("school", "municipality", "region", "nosology")
    scope = student_scope(roles)
    if scope is None:
        return qs
    return qs.filter(scope)


def student_can_be_seen(*, user, student_id: int) -> bool:
    return student_list(user=user).filter(pk=student_id).exists()


def guardian_list(*, user) -> QuerySet[Guardian]:
    """Guardians whose child the user may see (a navigator sees the parents of their school's students)."""
    return Guardian.objects.filter(children__in=student_list(user=user).values("pk")).distinct()


def consent_list(*, user) -> QuerySet[Consent]:
    return Consent.objects.select_related("student", "guardian__user").filter(
        student__in=student_list(user=user).values("pk")
    )


def bookable_students(*, user) -> QuerySet[Student]:
    """Students on whose behalf the user may book: themselves, a guardian's children, a navigator's school."""
    roles = get_roles(user)
    q = _family_q(roles)
    if roles.navigator_school_ids:
        q |= Q(school_id__in=roles.navigator_school_ids)
    return Student.objects.select_related("school").filter(q, anonymised_at__isnull=True)


def _family_q(roles) -> Q:
    """The user as a student and a guardian's children."""
    q = Q(pk__in=[])
    if roles.student_id is not None:
        q |= Q(pk=roles.student_id)
    if roles.guardian_id is not None:
        q |= Q(pk__in=_children_of(roles.guardian_id))
    return q


def _children_of(guardian_id: int):
    return Guardianship.objects.filter(guardian_id=guardian_id).values("student_id")


# --- A family's links (issue 14 §1) ----------------------------------------------------------------------------------


def guardian_invitation_from_token(token: str) -> GuardianInvitation | None:
    """The invitation an emailed link opens, whatever its state (the page says if it was answered or expired)."""
    if not token or len(token) > 100:
        return None
    digest = GuardianInvitation.digest(token)
    return (
        GuardianInvitation.objects.select_related("student__school", "student__municipality")
        .filter(token_hash=digest)
        .first()
    )


def invitation_account(*, invitation: GuardianInvitation):
    """The account of the invited address, if there is one (the page then asks to sign in, not to create one)."""
    return get_user_model().objects.filter(email__iexact=invitation.email).first()


def student_guardian_links(*, user) -> tuple[Student, list[Guardianship], list[GuardianInvitation]] | None:
    """The student's own confirmed parents and the invitations they sent (latest first); None for a non-student."""
    student_id = get_roles(user).student_id
    if student_id is None:
        return None
    student = Student.objects.get(pk=student_id)
    links = list(Guardianship.objects.filter(student=student).select_related("guardian__user").order_by("pk"))
    invitations = list(
        GuardianInvitation.objects.filter(student=student).exclude(status=GuardianInvitation.Status.CANCELLED)[:10]
    )
    return student, links, invitations


def student_invitation_get(*, user, pk: int) -> GuardianInvitation:
    """One of the signed-in student's own invitations; GuardianInvitation.DoesNotExist (a 404) for anyone else's."""
    return GuardianInvitation.objects.get(pk=pk, student_id=get_roles(user).student_id)


def _verified_addresses(user):
    return EmailAddress.objects.filter(user=user, verified=True).values("email")


def guardian_pending_invitations(*, user) -> QuerySet[GuardianInvitation]:
    """Invitations waiting for this user's answer: pending, not expired, sent to an address the user has verified
    (an address typed at an account's creation proves nothing; the emailed link does)."""
    return (
        GuardianInvitation.objects.filter(
            status=GuardianInvitation.Status.PENDING, expires_at__gt=timezone.now(),
            email__in=_verified_addresses(user),
        )
        .select_related("student__school")
        .order_by("created_at", "pk")
    )


def guardian_invitation_answerable(*, user, pk: int) -> GuardianInvitation:
    """A pending invitation the user may answer from their page; DoesNotExist (a 404) otherwise."""
    return guardian_pending_invitations(user=user).get(pk=pk)


def guardian_children_links(*, user) -> list[Guardianship]:
    """The parent's confirmed links, children by name."""
    guardian_id = get_roles(user).guardian_id
    if guardian_id is None:
        return []
    return list(
        Guardianship.objects.filter(guardian_id=guardian_id)
        .select_related("student__school", "student__municipality")
        .order_by("student__last_name", "student__first_name", "pk")
    )


# --- Online diagnostics ---------------------------------------------------------------------------------------------


def diagnostic_students(*, user) -> QuerySet[Student]:
    """The students whose diagnostics the user follows on the hub: themselves and a guardian's children."""
    return Student.objects.filter(_family_q(get_roles(user)), anonymised_at__isnull=True).order_by(
        "last_name", "first_name", "pk"
    )


def diagnostic_result_student_get(*, user, pk: int) -> Student:
    """The student whose results the user may read: themselves, a guardian's child, a student of the navigator's
    school, a student of the coordinator's region. Anyone else gets Student.DoesNotExist (the view's 404): a
    result describes a child's personality, so venues, mentors and curators — who see the student for other
    reasons — do not read it."""
    return diagnostic_result_students(user=user).select_related("school", "region").get(pk=pk)


def diagnostic_result_students(*, user) -> QuerySet[Student]:
    """The students whose diagnostics results the user may read (see `diagnostic_result_student_get`)."""
    roles = get_roles(user)
    q = _family_q(roles)
    if roles.navigator_school_ids:
        q |= Q(school_id__in=roles.navigator_school_ids)
    if roles.coordinator_region_ids:
        q |= Q(region_id__in=roles.coordinator_region_ids)
    return Student.objects.filter(q, anonymised_at__isnull=True)


def diagnostic_results_of(*, student: Student) -> QuerySet[DiagnosticResult]:
    return DiagnosticResult.objects.filter(student=student).select_related("version__instrument").order_by("stage")


def diagnostic_published_versions() -> dict[int, DiagnosticVersion]:
    """The version each stage's students take now, by stage, with its number of questions."""
    versions = (
        DiagnosticVersion.objects.filter(status=DiagnosticVersion.Status.PUBLISHED)
        .select_related("instrument")
        .annotate(question_count=Count("questions"))
    )
    return {v.instrument.stage: v for v in versions}


@dataclass(frozen=True)
class StageState:
    stage: int
    title: str
    total: int
    answered: int = 0
    started: bool = False
    completed_at: object = None
    available: bool = True

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


def diagnostic_progress(*, students) -> dict[int, list[StageState]]:
    """Each student's three stages: not started, in progress (n of m answered) or completed with its date.

    Three queries whatever the number of students: the published versions, the open attempts with their answer
    counts and the results."""
    students = list(students)
    ids = [s.pk for s in students]
    published = diagnostic_published_versions()
    attempts = {
        (a.student_id, a.stage): a
        for a in DiagnosticAttempt.objects.filter(student_id__in=ids, completed_at__isnull=True)
        .select_related("version__instrument")
        .annotate(answered=Count("answers", distinct=True), total=Count("version__questions", distinct=True))
    }
    results = {
        (r.student_id, r.stage): r
        for r in DiagnosticResult.objects.filter(student_id__in=ids).select_related("version__instrument")
    }
    progress = {}
    for student in students:
        states = []
        for stage, label in DiagnosticResult.Stage.choices:
            result, attempt, version = results.get((student.pk, stage)), attempts.get((student.pk, stage)), published.get(stage)
            if result is not None:
                title = result.version.instrument.title if result.version else (version.instrument.title if version else str(label))
                states.append(StageState(stage, title, 0, completed_at=result.completed_at))
            elif attempt is not None:
                states.append(StageState(stage, attempt.version.instrument.title, attempt.total, attempt.answered, True))
            elif version is not None:
                states.append(StageState(stage, version.instrument.title, version.question_count))
            else:
                states.append(StageState(stage, str(label), 0, available=False))
        progress[student.pk] = states
    return progress


def diagnostic_stage_questions(*, student: Student, stage: int):
    """(version, questions with their options, the student's chosen option per question) of the stage the student
    is taking or would begin: the attempt's version once begun, else the published one; None if neither exists."""
    attempt = DiagnosticAttempt.objects.filter(student=student, stage=stage).select_related("version__instrument").first()
    version = attempt.version if attempt else diagnostic_published_versions().get(stage)
    if version is None:
        return None
    questions = list(
        DiagnosticQuestion.objects.filter(version=version).prefetch_related(
            Prefetch("options", queryset=DiagnosticOption.objects.order_by("order", "pk"))
        )
    )
    chosen = dict(attempt.answers.values_list("question_id", "option_id")) if attempt else {}
    return version, questions, chosen


# --- Imports and registration (issue 14 §2–3) -------------------------------------------------------------------------


def import_job_list(*, user) -> QuerySet:
    """A person's own uploads: a file of personal data is nobody else's to read, operator staff included."""
    from .models import ImportJob

    return ImportJob.objects.filter(created_by=user).order_by("-created_at", "-pk")


def registering_schools(*, user) -> QuerySet:
    """Schools whose students the user may register: a navigator's own, a coordinator's region's, all for operators."""
    from regions.models import School

    roles = get_roles(user)
    qs = School.objects.select_related("region", "municipality").order_by("short_name")
    if roles.operator:
        return qs
    return qs.filter(Q(region_id__in=roles.coordinator_region_ids) | Q(id__in=roles.navigator_school_ids))


def invitable_navigators(*, user) -> QuerySet[Navigator]:
    """Navigators whose invitation the user may send again: a coordinator's region's, every one for operators."""
    roles = get_roles(user)
    qs = Navigator.objects.select_related("user", "school")
    if roles.operator:
        return qs
    return qs.filter(region_id__in=roles.coordinator_region_ids)


# --- Consents (SPEC §3 "Consents") -----------------------------------------------------------------------------------


def _with_consent_state(qs: QuerySet[Student]) -> QuerySet[Student]:
    in_force = Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True).order_by()
    last_withdrawn = Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=False).order_by("-withdrawn_at")
    return qs.annotate(
        consent_id=Subquery(in_force.values("pk")[:1]),
        consent_given_at=Subquery(in_force.values("given_at")[:1]),
        consent_version=Subquery(in_force.values("text_version__version")[:1]),
        paper_received_on=Subquery(in_force.values("paper_received_on")[:1]),
        withdrawn_at=Subquery(last_withdrawn.values("withdrawn_at")[:1]),
    )


def guardian_children(*, user) -> QuerySet[Student]:
    """The guardian's children with their consent state (none for anyone who is not a guardian)."""
    guardian_id = get_roles(user).guardian_id
    if guardian_id is None:
        return Student.objects.none()
    qs = Student.objects.filter(pk__in=_children_of(guardian_id)).select_related("school", "region")
    return _with_consent_state(qs).order_by("last_name", "first_name", "pk")


def consent_paper_students(*, user) -> QuerySet[Student]:
    """Students whose paper original the user may mark received: a navigator's school, a coordinator's region."""
    roles = get_roles(user)
    if roles.operator:
        return Student.objects.all()
    q = Q(pk__in=[])
    if roles.navigator_school_ids:
        q |= Q(school_id__in=roles.navigator_school_ids)
    if roles.coordinator_region_ids:
        q |= Q(region_id__in=roles.coordinator_region_ids)
    return Student.objects.filter(q)


def consent_form_students(*, user) -> QuerySet[Student]:
    """Students whose pre-filled consent form the user may download: a guardian's children and the students of
    `consent_paper_students`."""
    roles = get_roles(user)
    qs = consent_paper_students(user=user)
    if roles.guardian_id is not None and not roles.operator:
        qs = Student.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk__in=_children_of(roles.guardian_id)))
    return qs.filter(anonymised_at__isnull=True).select_related("school", "municipality", "region")


def consent_in_force(*, student: Student) -> Consent | None:
    return Consent.objects.filter(student=student, withdrawn_at__isnull=True).select_related("text_version").first()


@dataclass(frozen=True)
class CoverageRow:
    name: str
    students: int
    consents: int
    papers: int
    municipality: str = ""

    @property
    def consent_share(self) -> float | None:
        return round(100 * self.consents / self.students, 1) if self.students else None

    @property
    def paper_share(self) -> float | None:
        return round(100 * self.papers / self.consents, 1) if self.consents else None

    @property
    def missing_papers(self) -> int:
        return self.consents - self.papers


def consent_coverage(*, user) -> tuple[list[CoverageRow], list[CoverageRow]]:
    """Per municipality and per school of the coordinator's regions: students (not anonymised), students with a
    consent in force and those with its paper original. Two grouped queries."""
    roles = get_roles(user)
    if roles.operator:
        students = Student.objects.all()
    else:
        students = Student.objects.filter(region_id__in=roles.coordinator_region_ids)
    students = students.filter(anonymised_at__isnull=True).annotate(
        in_force=Exists(Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True)),
        paper=Exists(
            Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True, paper_received_on__isnull=False)
        ),
    )
    counts = {
        "n": Count("pk"),
        "c": Count("pk", filter=Q(in_force=True)),
        "p": Count("pk", filter=Q(paper=True)),
    }
    municipalities = [
        CoverageRow(row["municipality__name"], row["n"], row["c"], row["p"])
        for row in students.order_by().values("municipality__name").annotate(**counts).order_by("municipality__name")
    ]
    schools = [
        CoverageRow(row["school__short_name"], row["n"], row["c"], row["p"], row["municipality__name"])
        for row in students.order_by()
        .values("school_id", "school__short_name", "municipality__name")
        .annotate(**counts)
        .order_by("municipality__name", "school__short_name")
    ]
    return municipalities, schools


def destruction_act_list(*, user) -> QuerySet[DestructionAct]:
    """Acts of destruction of the coordinator's regions (operator staff: all)."""
    roles = get_roles(user)
    qs = DestructionAct.objects.select_related("region", "performed_by")
    if roles.operator:
        return qs
    return qs.filter(region_id__in=roles.coordinator_region_ids)


def navigator_invitation_state(*, user, navigator: Navigator) -> dict | None:
    """For whoever may send a navigator's invitation again: the latest one and whether the account is active yet."""
    from .models import NavigatorInvitation

    if not invitable_navigators(user=user).filter(pk=navigator.pk).exists():
        return None
    latest = NavigatorInvitation.objects.filter(user_id=navigator.user_id).order_by("-sent_at").first()
    from django.utils import timezone

    return {
        "latest": latest, "activated": navigator.user.has_usable_password(),
        "expired": bool(latest and latest.expires_at <= timezone.now()),
    }


@dataclass(frozen=True)
class LogLine:
    when: object
    kind: str
    what: str
    role: str
    organisation: str
    is_me: bool


def child_data_log(*, user, student: Student, limit: int = 200) -> list[LogLine]:
    """Who viewed or exported `student`'s data (rows of the personal-data log linked to them), for the guardian.

    Each line names the viewer's role and organisation as they are now (a school, a region, a venue), never their
    name or contacts. Four queries whatever the number of rows."""
    rows = list(
        PersonalDataAccess.objects.filter(subjects__student=student)
        .order_by("-created_at", "-pk")
        .values("user_id", "created_at", "kind", "what")[:limit]
    )
    who = _viewers({row["user_id"] for row in rows})
    kinds = dict(PersonalDataAccess.Kind.choices)
    return [
        LogLine(
            when=row["created_at"],
            kind=str(kinds.get(row["kind"], row["kind"])),
            what=row["what"],
            role=who.get(row["user_id"], ("", ""))[0],
            organisation=who.get(row["user_id"], ("", ""))[1],
            is_me=row["user_id"] == user.pk,
        )
        for row in rows
    ]


def _viewers(user_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(role, organisation) of each user, read through the user's reverse relations (participants must not import
    venues): the first role in the order of SPEC §2."""
    from django.contrib.auth import get_user_model

    from bilet.roles import ROLE_LABELS

    found: dict[int, tuple[str, str]] = {}
    if not user_ids:
        return found
    values = get_user_model().objects.filter(pk__in=user_ids).values(
        "pk", "is_staff", "curator__regions__name", "coordinators__region__name", "venue_roles__venue__short_name",
        "mentor__id", "navigators__school__short_name", "guardian__id", "student__id",
    )
    for v in values:
        if v["pk"] in found:
            continue
        if v["is_staff"]:
            found[v["pk"]] = (str(ROLE_LABELS["operator"]), str(_("Union «Young Professionals» (project operator)")))
        elif v["coordinators__region__name"]:
            found[v["pk"]] = (str(ROLE_LABELS["coordinator"]), v["coordinators__region__name"])
        elif v["curator__regions__name"]:
            found[v["pk"]] = (str(ROLE_LABELS["curator"]), str(_("Union «Young Professionals» (project operator)")))
        elif v["navigators__school__short_name"]:
            found[v["pk"]] = (str(ROLE_LABELS["navigator"]), v["navigators__school__short_name"])
        elif v["venue_roles__venue__short_name"]:
            found[v["pk"]] = (str(ROLE_LABELS["venue_staff"]), v["venue_roles__venue__short_name"])
        elif v["mentor__id"]:
            found[v["pk"]] = (str(ROLE_LABELS["mentor"]), "")
        elif v["guardian__id"]:
            found[v["pk"]] = (str(ROLE_LABELS["guardian"]), "")
        elif v["student__id"]:
            found[v["pk"]] = (str(ROLE_LABELS["student"]), "")
    return found
