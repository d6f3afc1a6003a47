"""The online diagnostics (issue 14 §5): whose results a user reads, and each student's progress through the stages."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from bilet.roles import get_roles

from ..models import DiagnosticAttempt, DiagnosticOption, DiagnosticQuestion, DiagnosticResult, DiagnosticVersion, Student
from .scope import family_q


def diagnostic_students(*, user) -> QuerySet[Student]:
    """The students whose diagnostics the user follows on the hub: themselves and a guardian's children."""
    return Student.objects.filter(family_q(get_roles(user)), anonymised_at__isnull=True).order_by(
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
    q = family_q(roles)
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
