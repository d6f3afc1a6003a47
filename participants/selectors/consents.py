"""Consents (SPEC §3 "Consents"): a guardian's children with their consent state, the forms and originals a user
handles, the coordinator's coverage and the acts of destruction."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from bilet.roles import get_roles

from ..models import Consent, DestructionAct, Student
from .scope import children_of


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
    qs = Student.objects.filter(pk__in=children_of(guardian_id)).select_related("school", "region")
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
        qs = Student.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk__in=children_of(roles.guardian_id)))
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
