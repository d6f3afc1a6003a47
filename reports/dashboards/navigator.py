"""The navigator's home section: their schools with students, consents, diagnostics, trials and quota progress."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bilet.roles import get_roles
from participants.models import Consent, DiagnosticResult, Navigator, Student
from regions.models import Campaign, RegionTarget, School
from regions.quotas import DEFAULT_STUDENTS_PER_NAVIGATOR, DEFAULT_TRIALS_MAX, DEFAULT_TRIALS_MIN, navigator_quota_bars
from regions.selectors import school_list
from venues.selectors.bookings import counted_bookings

from .counts import count_of


# The two counts below probe each student of the school through an index, with correlated scalar subqueries on
# purpose: written as EXISTS, PostgreSQL turns them into a semi-join that hashes the whole consent (or diagnostics)
# table for one school, a cost that grows with the country, not the school.


def _students_with_consent() -> QuerySet[Student]:
    in_force = (
        Consent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True).order_by().values("student_id")[:1]
    )
    return Student.objects.annotate(consent_in_force=Subquery(in_force)).filter(consent_in_force__isnull=False)


def _students_with_all_diagnostics() -> QuerySet[Student]:
    # One row per student and stage is unique: three rows mean stages 1, 2 and 3 are done.
    stages = (
        DiagnosticResult.objects.filter(student=OuterRef("pk"))
        .order_by()
        .values("student")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Student.objects.annotate(stages_done=Subquery(stages, output_field=IntegerField())).filter(stages_done=3)


def navigator_schools(*, user, campaign: Campaign | None) -> list[School]:
    """The navigator's schools with their students, consents, completed diagnostics, booked students and quota."""
    roles = get_roles(user)
    annotations = {
        "students_count": count_of(Student.objects.all(), "school"),
        "consents_count": count_of(_students_with_consent(), "school"),
        "diagnostics_count": count_of(_students_with_all_diagnostics(), "school"),
        "navigators_count": count_of(Navigator.objects.all(), "school"),
        "registered_by_me": count_of(Student.objects.filter(registered_by__user=user), "school"),
    }
    if campaign is not None:
        annotations["booked_count"] = count_of(
            counted_bookings(campaign), "student__school", Count("student", distinct=True)
        )
        annotations["my_trial_students"] = count_of(
            counted_bookings(campaign).filter(student__registered_by__user=user), "student__school",
            Count("student", distinct=True),
        )

        def target(field: str, default: int):
            return Coalesce(
                Subquery(
                    RegionTarget.objects.filter(campaign=campaign, region=OuterRef("region")).values(field)[:1],
                    output_field=IntegerField(),
                ),
                default,
            )

        annotations["quota"] = target("students_per_navigator", DEFAULT_STUDENTS_PER_NAVIGATOR)
        annotations["trials_min"] = target("trial_students_per_navigator_min", DEFAULT_TRIALS_MIN)
        annotations["trials_max"] = target("trial_students_per_navigator_max", DEFAULT_TRIALS_MAX)
    schools = list(
        school_list(user=user).filter(id__in=roles.navigator_school_ids).annotate(**annotations).order_by("short_name")
    )
    for school in schools:
        if campaign is None:
            school.booked_count, school.quota = 0, DEFAULT_STUDENTS_PER_NAVIGATOR
            school.my_trial_students, school.trials_min, school.trials_max = 0, DEFAULT_TRIALS_MIN, DEFAULT_TRIALS_MAX
        school.quota_total = school.quota * school.navigators_count
        school.bars = navigator_quota_bars(
            registered=school.registered_by_me, target=school.quota, trial_students=school.my_trial_students,
            trials_min=school.trials_min, trials_max=school.trials_max,
        )
    return schools
