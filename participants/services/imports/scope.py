"""Whom an importer may create records for (every region, whole regions, or schools), and the places a file names:
regions by code, municipalities by region and name, schools by (region code, municipality, short name), each kind
found in one query for the whole file."""

from dataclasses import dataclass

from django.utils.translation import gettext

from bilet.roles import get_roles
from regions.models import Municipality, Region, School
from regions.resources import SchoolWidget

from ...models import Navigator
from .checking import Columns


@dataclass
class Scope:
    """What the importing user may create: every region (operator staff), whole regions, or schools."""

    everywhere: bool
    region_ids: frozenset
    school_ids: frozenset
    navigators_by_school: dict  # school id → the importer's navigator record there (the students' `registered_by`)

    @classmethod
    def of(cls, user, *, kind: str) -> "Scope":
        roles = get_roles(user)
        # Navigators import students of their schools; navigator and venue lists are the coordinators' (a region at a
        # time).
        school_ids = roles.navigator_school_ids if kind == "students" else frozenset()
        navigators = {n.school_id: n for n in Navigator.objects.filter(user=user, school_id__in=school_ids)}
        return cls(
            everywhere=roles.operator, region_ids=frozenset(roles.coordinator_region_ids), school_ids=school_ids,
            navigators_by_school=navigators,
        )

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.region_ids or self.school_ids)

    def region_refusal(self, region: "RegionKey") -> str | None:
        """Why a record of this region may not be imported by this user (for records without a school)."""
        if self.everywhere or region.id in self.region_ids:
            return None
        return gettext("«%(region)s» is another region: you may import for your region only.") % {
            "region": region.name,
        }

    def refusal(self, school: "SchoolKey") -> str | None:
        if self.everywhere or school.region_id in self.region_ids or school.id in self.school_ids:
            return None
        if self.school_ids and not self.region_ids:
            return gettext("«%(school)s» is not your school: you may register students of %(yours)s only.") % {
                "school": school.short_name, "yours": self.school_names(),
            }
        return gettext("«%(school)s» is in another region (%(region)s): you may import for your region only.") % {
            "school": school.short_name, "region": school.region_name,
        }

    def school_names(self) -> str:
        names = School.objects.filter(id__in=self.school_ids).order_by("short_name").values_list("short_name", flat=True)
        return ", ".join(f"«{name}»" for name in names)

    def only_school(self) -> int | None:
        """The one school a navigator imports for, used when the file leaves the school columns empty."""
        if not self.everywhere and not self.region_ids and len(self.school_ids) == 1:
            return next(iter(self.school_ids))
        return None


def _spellings(codes: set[str]) -> set[str]:
    """Region codes as a file may write them: Excel drops the leading zero of «05»."""
    return {c.zfill(2) for c in codes if c} | {c for c in codes if c}


@dataclass(frozen=True)
class RegionKey:
    id: int
    code: str
    name: str


class Regions:
    """The regions a file names by code and their municipalities by name: two queries for the whole file."""

    def __init__(self, codes: set[str]):
        self.by_code = {
            code.zfill(2): RegionKey(pk, code, name)
            for pk, code, name in Region.objects.filter(code__in=_spellings(codes)).values_list("id", "code", "name")
        }
        self.municipalities = {
            (region_id, name.lower()): pk
            for pk, region_id, name in Municipality.objects.filter(
                region_id__in=[r.id for r in self.by_code.values()]
            ).values_list("id", "region_id", "name")
        }

    def find(self, code: str) -> RegionKey | None:
        return self.by_code.get(code.zfill(2))

    def municipality_id(self, region: RegionKey, name: str) -> int | None:
        return self.municipalities.get((region.id, name.lower()))


@dataclass(frozen=True)
class SchoolKey:
    id: int
    region_id: int
    municipality_id: int
    short_name: str
    region_name: str


class Schools:
    """The schools of the regions a file names, in one query, by (region code, municipality, short name)."""

    def __init__(self, codes: set[str]):
        codes = _spellings(codes)
        self.by_key: dict[tuple, SchoolKey] = {}
        self.by_id: dict[int, SchoolKey] = {}
        rows = School.objects.filter(region__code__in=codes).values_list(
            "id", "region_id", "municipality_id", "short_name", "region__name", "region__code", "municipality__name"
        )
        for pk, region_id, municipality_id, short_name, region_name, code, municipality in rows:
            school = SchoolKey(pk, region_id, municipality_id, short_name, region_name)
            self.by_key[(code.zfill(2), municipality.lower(), short_name.lower())] = school
            self.by_id[pk] = school

    def find(self, code: str, municipality: str, short_name: str) -> SchoolKey | None:
        return self.by_key.get((code.zfill(2), municipality.lower(), short_name.lower()))

    def add(self, pk: int) -> SchoolKey:
        if pk not in self.by_id:
            values = School.objects.filter(pk=pk).values_list(
                "id", "region_id", "municipality_id", "short_name", "region__name"
            ).get()
            self.by_id[pk] = SchoolKey(*values)
        return self.by_id[pk]


def school_of_row(columns: Columns, row: tuple, schools: Schools, scope: Scope, errors: list[str]) -> SchoolKey | None:
    code, municipality = columns.text(row, "region_code"), columns.text(row, "municipality_name")
    short_name = columns.text(row, "school")
    if not (code or municipality or short_name) and scope.only_school():
        return schools.add(scope.only_school())
    if not short_name:
        errors.append(columns.message("school", gettext("the school is required.")))
        return None
    school = schools.find(code, municipality, short_name)
    if school is None:
        errors.append(columns.message("school", SchoolWidget().not_found(short_name, columns.as_row_dict(row))))
        return None
    refusal = scope.refusal(school)
    if refusal:
        errors.append(refusal)
        return None
    return school
