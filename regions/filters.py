"""Filters by place (region → municipality → school) that offer only what the user's scope holds.

A choice from outside the scope is not among the options and does not validate: a coordinator cannot even learn the
name behind another region's municipality id. Lists of the higher apps (participants, venues) reuse these.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from bilet.lists import DirectoryFilterSet, chosen_pk, offer_choices
from bilet.roles import get_roles

from .models import Municipality, Region, School
from .selectors import municipality_list, region_list, school_list


def _regions(request):
    return region_list(user=request.user) if request is not None else Region.objects.none()


def _municipalities(request):
    return municipality_list(user=request.user) if request is not None else Municipality.objects.none()


def _schools(request):
    return school_list(user=request.user) if request is not None else School.objects.none()


def region_filter(field_name: str = "region"):
    return django_filters.ModelChoiceFilter(field_name=field_name, queryset=_regions, label=_("Region"))


def municipality_filter(field_name: str = "municipality"):
    return django_filters.ModelChoiceFilter(field_name=field_name, queryset=_municipalities, label=_("Municipality"))


def school_filter(field_name: str = "school"):
    return django_filters.ModelChoiceFilter(field_name=field_name, queryset=_schools, label=_("School"))


class PlaceFilterSet(DirectoryFilterSet):
    """A FilterSet whose `region`, `municipality` and `school` filters (where declared) follow the user's scope.

    The region filter is offered only to users who see more than one region. Each lower select offers the places of
    the higher one chosen; operator staff (the whole country) pick a region first, so no select lists 40,000 schools.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = get_roles(self.user)
        wide = roles.operator
        if "region" in self.filters and not wide and len(roles.region_ids) < 2:
            del self.filters["region"]
        if "municipality" in self.filters and not wide and not roles.region_ids:
            del self.filters["municipality"]  # a navigator's scope is their school: no municipality to choose
        form = self.form
        region_id = chosen_pk(form, "region") if "region" in form.fields else None
        municipality_id = chosen_pk(form, "municipality") if "municipality" in form.fields else None
        # Each select offers the places inside the nearest place chosen above it; with nothing chosen, operator staff
        # (the whole country) get a hint instead of thousands of options.
        narrowing = {
            "municipality": ([("region_id", region_id)], _("Choose a region to see its municipalities.")),
            "school": (
                [("municipality_id", municipality_id), ("region_id", region_id)],
                _("Choose a region or a municipality to see its schools."),
            ),
        }
        for name, (parents, hint) in narrowing.items():
            if name not in form.fields:
                continue
            shown = form.fields[name].queryset
            parent = next(((column, pk) for column, pk in parents if pk), None)
            if parent:
                shown = shown.filter(**{parent[0]: parent[1]})
            elif wide:
                shown = shown.none()
                form.fields[name].help_text = hint
            offer_choices(form, name, shown)
