"""Directories of a region: municipalities and schools (issue 3 §6), scoped by the selectors."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from bilet.lists import DirectoryListView, region_roles, related_count, roles_required

from .filters import PlaceFilterSet, municipality_filter, region_filter
from .models import Municipality, School
from .quotas import quota_state, students_per_navigator_target
from .selectors import municipality_list, school_list


def _navigators_and_students(qs, *, navigators: str, students: str, model):
    return qs.annotate(
        navigators_count=related_count(model, navigators), students_count=related_count(model, students)
    )


def municipality_rows(qs):
    """Municipalities with their schools, navigators and students counted in SQL."""
    return _navigators_and_students(
        qs.annotate(schools_count=related_count(Municipality, "schools")),
        navigators="schools__navigators", students="students", model=Municipality,
    )


class MunicipalityFilterSet(PlaceFilterSet):
    search_fields = ("name", "responsible_name")
    region = region_filter()

    class Meta:
        model = Municipality
        fields = ["q", "region"]


class MunicipalityListView(DirectoryListView):
    title = _("Municipalities")
    caption = _("Municipalities, with their schools, navigators and registered students")
    table_template = "regions/municipality_table.html"
    filterset_class = MunicipalityFilterSet
    sort_keys = {
        "name": ("name",),
        "region": ("region__name", "name"),
        "schools": ("schools_count",),
        "navigators": ("navigators_count",),
        "students": ("students_count",),
    }
    default_sort = "name"

    def allowed(self, roles):
        return region_roles(roles)

    def get_queryset(self):
        return municipality_rows(municipality_list(user=self.request.user))


@roles_required(region_roles)
def municipality_detail(request, pk: int):
    municipality = get_object_or_404(municipality_rows(municipality_list(user=request.user)), pk=pk)
    schools = with_quota(
        list(
            school_rows(School.objects.filter(municipality=municipality))
            .prefetch_related("navigators__user")
            .order_by("short_name")
        )
    )
    return render(request, "regions/municipality_detail.html", {"municipality": municipality, "schools": schools})


def school_roles(roles) -> bool:
    """Region roles, and navigators for their own school."""
    return region_roles(roles) or bool(roles.navigator_school_ids)


class SchoolFilterSet(PlaceFilterSet):
    search_fields = ("short_name", "name", "inn", "address")
    region = region_filter()
    municipality = municipality_filter()

    class Meta:
        model = School
        fields = ["q", "region", "municipality"]


def school_rows(qs):
    """Schools with their navigators, students and the region's students-per-navigator target, in one query."""
    return _navigators_and_students(qs, navigators="navigators", students="students", model=School).annotate(
        target=students_per_navigator_target()
    )


def with_quota(schools):
    for school in schools:
        school.quota = quota_state(
            students=school.students_count, navigators=school.navigators_count, target=school.target
        )
    return schools


class SchoolListView(DirectoryListView):
    title = _("Schools")
    caption = _("Schools, with navigators, registered students and the students-per-navigator quota")
    table_template = "regions/school_table.html"
    filterset_class = SchoolFilterSet
    sort_keys = {
        "name": ("short_name",),
        "municipality": ("municipality__name", "short_name"),
        "navigators": ("navigators_count",),
        "students": ("students_count",),
    }
    default_sort = "name"

    def allowed(self, roles):
        return school_roles(roles)

    def get_queryset(self):
        return school_rows(school_list(user=self.request.user))

    def decorate(self, rows):
        with_quota(rows)


@roles_required(school_roles)
def school_detail(request, pk: int):
    school = get_object_or_404(school_rows(school_list(user=request.user)), pk=pk)
    with_quota([school])
    navigators = (
        school.navigators.select_related("user")
        .annotate(registered_count=Count("registered_students"))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    grades = school.students.order_by("grade").values("grade").annotate(count=Count("pk"))
    return render(
        request, "regions/school_detail.html", {"school": school, "navigators": navigators, "grades": grades}
    )
