"""Directories of navigators and students (issue 3 §6) and the export of students' personal data (§5)."""

import django_filters
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from bilet.lists import DirectoryListView, build_listing, region_roles, related_count, roles_required
from bilet.models import PersonalDataAccess
from bilet.pd_log import logs_personal_data_view
from bilet.roles import get_roles
from bilet.services import client_ip, personal_data_access_record
from regions.filters import PlaceFilterSet, municipality_filter, region_filter, school_filter
from regions.models import GRADE_MAX, GRADE_MIN, Nosology
from regions.quotas import (
    DEFAULT_TRIALS_MAX,
    DEFAULT_TRIALS_MIN,
    current_target,
    navigator_quota_bars,
    quota_state,
    students_per_navigator_target,
)
from regions.selectors import region_list, school_list

from .forms import PaperReceivedForm
from .pd_log import logs_student_data_view
from .exports import csv_stream, student_export_rows, xlsx_file

from .models import Consent, DiagnosticResult, Navigator, Student
from .selectors import diagnostic_result_students, navigator_invitation_state, navigator_list, student_list

YES_NO = [("yes", _("yes")), ("no", _("no"))]


def navigator_roles(roles) -> bool:
    """Who works with navigators' and students' directories: region roles and the navigators of a school."""
    return region_roles(roles) or bool(roles.navigator_school_ids)


# --- Navigators ---------------------------------------------------------------------------------------------------


class NavigatorFilterSet(PlaceFilterSet):
    search_fields = ("user__last_name", "user__first_name", "user__middle_name", "user__email")
    region = region_filter()
    municipality = municipality_filter("school__municipality")
    school = school_filter()
    trained = django_filters.ChoiceFilter(choices=YES_NO, method="filter_trained", label=_("Training completed"))

    class Meta:
        model = Navigator
        fields = ["q", "region", "municipality", "school", "trained"]

    def filter_trained(self, queryset, name, value):
        return queryset.filter(training_completed_on__isnull=(value == "no"))


# A booking that counts toward a campaign (venues.selectors.bookings.COUNTED), by the reverse relation's model:
# participants must not import venues (a higher app).
_Booking = Student._meta.get_field("bookings").related_model
_COUNTED_STATUSES = ("confirmed", "attended", "no_show")


def _trial_students():
    """The navigator's registered students with a counted booking of the current campaign (seed 003: 10–20)."""
    bookings = (
        _Booking.objects.filter(
            student__registered_by=OuterRef("pk"), event__campaign__is_active=True, status__in=_COUNTED_STATUSES
        )
        .exclude(event__status="cancelled")
        .order_by()
        .values("student__registered_by")
        .annotate(n=Count("student", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(bookings, output_field=IntegerField()), 0)


def navigator_rows(qs):
    return qs.annotate(
        registered_count=related_count(Navigator, "registered_students"),
        target=students_per_navigator_target(),
        trial_students=_trial_students(),
        trials_min=current_target("trial_students_per_navigator_min", DEFAULT_TRIALS_MIN),
        trials_max=current_target("trial_students_per_navigator_max", DEFAULT_TRIALS_MAX),
    )


def with_navigator_quota(navigators):
    for navigator in navigators:
        navigator.quota = quota_state(students=navigator.registered_count, navigators=1, target=navigator.target)
        navigator.bars = navigator_quota_bars(
            registered=navigator.registered_count, target=navigator.target, trial_students=navigator.trial_students,
            trials_min=navigator.trials_min, trials_max=navigator.trials_max,
        )
    return navigators


class NavigatorListView(DirectoryListView):
    title = _("Navigators")
    caption = _("Navigators, their training and the students they registered against the quota")
    table_template = "participants/navigator_table.html"
    filterset_class = NavigatorFilterSet
    sort_keys = {
        "name": ("user__last_name", "user__first_name"),
        "school": ("school__short_name", "user__last_name"),
        "trained": ("training_completed_on",),
        "registered": ("registered_count",),
    }
    default_sort = "name"

    def allowed(self, roles):
        return navigator_roles(roles)

    def get_queryset(self):
        return navigator_rows(navigator_list(user=self.request.user))

    def decorate(self, rows):
        with_navigator_quota(rows)


@roles_required(navigator_roles)
@logs_personal_data_view(_("Navigator's page with their students"))
def navigator_detail(request, pk: int):
    navigator = get_object_or_404(navigator_rows(navigator_list(user=request.user)), pk=pk)
    with_navigator_quota([navigator])
    students = (
        student_rows(student_list(user=request.user).filter(registered_by=navigator))
        .order_by("last_name", "first_name", "pk")
    )
    context = {
        "navigator": navigator, "students": students,
        "invitation": navigator_invitation_state(user=request.user, navigator=navigator),
    }
    return render(request, "participants/navigator_detail.html", context)


# --- Students -----------------------------------------------------------------------------------------------------

CONSENT_CHOICES = [("yes", _("in force")), ("no", _("never given")), ("withdrawn", _("withdrawn"))]
DIAGNOSTICS_CHOICES = [("complete", _("all 3 stages")), ("incomplete", _("not all stages"))]
DIAGNOSTIC_STAGES = len(DiagnosticResult.Stage.choices)


def _consent(**conditions):
    return Exists(Consent.objects.filter(student=OuterRef("pk"), **conditions))


def _consent_id(**conditions):
    # A scalar subquery with LIMIT 1 (the id of such a consent, or NULL), not EXISTS: PostgreSQL may turn an EXISTS
    # in the select list into a hash of the whole consent table, which a page of 50 students should never pay for.
    return Subquery(Consent.objects.filter(student=OuterRef("pk"), **conditions).order_by().values("pk")[:1])


def student_rows(qs):
    """Students with their consent state (truthy ids) and diagnostics progress, all in the page's one query."""
    return qs.annotate(
        consent_active=_consent_id(withdrawn_at__isnull=True),
        consent_withdrawn=_consent_id(withdrawn_at__isnull=False),
        paper_received=_consent_id(withdrawn_at__isnull=True, paper_received_on__isnull=False),
        diagnostics_count=related_count(Student, "diagnostics"),
    )


class StudentFilterSet(PlaceFilterSet):
    search_fields = ("last_name", "first_name", "middle_name")
    region = region_filter()
    municipality = municipality_filter()
    school = school_filter()
    grade = django_filters.ChoiceFilter(
        choices=[(g, str(g)) for g in range(GRADE_MIN, GRADE_MAX + 1)], label=_("Grade")
    )
    nosology = django_filters.ModelChoiceFilter(queryset=Nosology.objects.all(), label=_("Disability group"))
    consent = django_filters.ChoiceFilter(
        choices=CONSENT_CHOICES, method="filter_consent", label=_("Personal data consent")
    )
    paper = django_filters.ChoiceFilter(choices=YES_NO, method="filter_paper", label=_("Paper original received"))
    diagnostics = django_filters.ChoiceFilter(
        choices=DIAGNOSTICS_CHOICES, method="filter_diagnostics", label=_("Diagnostics")
    )

    class Meta:
        model = Student
        fields = ["q", "region", "municipality", "school", "grade", "nosology", "consent", "paper", "diagnostics"]

    def filter_consent(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(_consent(withdrawn_at__isnull=True))
        if value == "withdrawn":
            return queryset.filter(_consent(withdrawn_at__isnull=False)).exclude(_consent(withdrawn_at__isnull=True))
        return queryset.exclude(_consent())

    def filter_paper(self, queryset, name, value):
        received = _consent(withdrawn_at__isnull=True, paper_received_on__isnull=False)
        return queryset.filter(received) if value == "yes" else queryset.exclude(received)

    def filter_diagnostics(self, queryset, name, value):
        complete = Q(diagnostics_count__gte=DIAGNOSTIC_STAGES)
        return queryset.filter(complete) if value == "complete" else queryset.exclude(complete)


STUDENT_SORT_KEYS = {
    "name": ("last_name", "first_name", "middle_name"),
    "grade": ("grade", "class_letter", "last_name"),
    "school": ("school__short_name", "last_name"),
    "birth_date": ("birth_date",),
    "diagnostics": ("diagnostics_count",),
}


# Every page of it, search results and HTMX page turns included: the query string says which children were shown.
@method_decorator(logs_personal_data_view(_("Student list")), name="get")
class StudentListView(DirectoryListView):
    title = _("Students")
    caption = _("Students, their consent and diagnostics")
    table_template = "participants/student_table.html"
    toolbar_template = "participants/student_export_links.html"
    table_class = "stack-on-phone"  # the «original received» buttons stay on screen at 375 px
    filterset_class = StudentFilterSet
    sort_keys = STUDENT_SORT_KEYS
    default_sort = "name"

    def allowed(self, roles):
        return navigator_roles(roles)

    def get_queryset(self):
        return student_rows(student_list(user=self.request.user))

    def decorate(self, rows):
        # The class list's «original received» button: the navigator's school, the coordinator's region.
        roles = get_roles(self.request.user)
        for student in rows:
            student.may_mark_paper = roles.operator or student.region_id in roles.coordinator_region_ids or (
                student.school_id in roles.navigator_school_ids
            )


@roles_required(navigator_roles)
@logs_student_data_view(_("Student's page"))
def student_detail(request, pk: int):
    student = get_object_or_404(student_rows(student_list(user=request.user)), pk=pk)
    context = {
        "student": student,
        "guardianships": student.guardianship_set.select_related("guardian__user").order_by("pk"),
        "consents": student.consents.select_related("guardian__user", "paper_received_by", "withdrawn_by"),
        "diagnostics": student.diagnostics.order_by("stage"),
        # Reverse lookup by name: participants must not import venues (a higher app).
        "bookings": student.bookings.select_related("event__venue", "event__competency").order_by(
            "-event__starts_at"
        ),
        "diagnostic_stages": DIAGNOSTIC_STAGES,
        "diagnostics_readable": diagnostic_result_students(user=request.user).filter(pk=student.pk).exists(),
    }
    roles = get_roles(request.user)
    may_mark = roles.operator or student.region_id in roles.coordinator_region_ids or (
        student.school_id in roles.navigator_school_ids
    )
    context["consent_form_allowed"] = may_mark and student.anonymised_at is None
    if may_mark and student.consent_active and not student.paper_received:
        context["paper_form"] = PaperReceivedForm()
    return render(request, "participants/student_detail.html", context)


# --- Export of students' personal data ------------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope_label(user) -> str:
    """The regions and schools whose students `user` may export, for the personal-data log."""
    roles = get_roles(user)
    if roles.operator:
        return gettext("all regions")
    parts = [region.name for region in region_list(user=user)]
    if roles.navigator_school_ids:
        schools = school_list(user=user).filter(id__in=roles.navigator_school_ids).order_by("short_name")
        parts += [f"{school.short_name} ({school.region.name})" for school in schools]
    return "; ".join(parts)


@roles_required(navigator_roles)
@require_GET
def student_export(request, fmt: str):
    """The students of the list, with the list's filters, search and order, as XLSX or CSV; each export is logged."""
    listing = build_listing(
        request, student_rows(student_list(user=request.user)),
        filterset_class=StudentFilterSet, sort_keys=STUDENT_SORT_KEYS, default_sort="name",
    )
    if listing.problems:
        # Never export more than the user asked for: back to the list, which names the faulty filter.
        query = request.GET.urlencode()
        return redirect(f"{reverse('participants:student_list')}?{query}" if query else "participants:student_list")
    queryset = listing.queryset
    personal_data_access_record(
        user=request.user,
        kind=PersonalDataAccess.Kind.EXPORT,
        what=gettext("Students (%(format)s)") % {"format": fmt.upper()},
        scope=_scope_label(request.user),
        query=request.GET.urlencode(),
        row_count=queryset.count(),
        ip=client_ip(request),
    )
    filename = f"students-{timezone.localdate():%Y-%m-%d}.{fmt}"
    rows = student_export_rows(queryset)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(rows, title=gettext("Students")), as_attachment=True, filename=filename, content_type=XLSX_TYPE
    )
