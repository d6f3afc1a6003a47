"""The import of a region's venues (issue 14 §3) through the portal's import machinery (`participants.services.imports`):
the same upload guard, preview of every row's errors, all-or-nothing write and background job as students' lists.

A venue is known by its region and INN (the model's unique constraint): a row whose INN is already in the file or
already a venue of that region is an error, not an update. Its municipality must be one of that region's, and the
region one the coordinator works in. The columns are the admin's `VenueResource`'s.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bilet.resources import cell_text
from bilet.roles import Roles, get_roles
from participants.services.imports import ImportError_, ImportKind, TemplateSpec, register
from participants.services.imports.checking import (
    CheckResult,
    Columns,
    FirstRows,
    ProgressCallback,
    Row,
    check_lengths,
    check_rows,
    chunks,
    required,
)
from participants.services.imports.scope import Regions, Scope
from regions.models import Municipality, Region
from regions.resources import MunicipalityWidget, RegionWidget

from ..models import Venue
from ..resources import VenueResource

REQUIRED = ("region", "municipality", "short_name", "name", "inn", "address", "licence_number")
TEXT_FIELDS = ("short_name", "name", "address", "licence_number", "accessibility_notes", "contact_name", "phone")
# Weights of the INN's check digits (the Federal Tax Service's algorithm): one for an organisation's 10 digits, two
# for an individual entrepreneur's 12.
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def may_import_venues(roles: Roles) -> bool:
    return roles.operator or bool(roles.coordinator_region_ids)


def _check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10)


def inn_problem(inn: str) -> str | None:
    """Why `inn` is not a taxpayer number, or None. The check digits catch most typos of a digit."""
    if not inn.isdigit() or len(inn) not in (10, 12):
        return gettext("«%(inn)s» is not an INN: an organisation's INN has 10 digits, an entrepreneur's 12.") % {
            "inn": inn,
        }
    if len(inn) == 10:
        valid = inn[9] == _check_digit(inn, _INN10_WEIGHTS)
    else:
        valid = inn[10] == _check_digit(inn, _INN11_WEIGHTS) and inn[11] == _check_digit(inn, _INN12_WEIGHTS)
    if not valid:
        return gettext("the check digit of the INN «%(inn)s» does not match: look for a mistyped digit.") % {"inn": inn}
    return None


def _inn_text(value) -> str:
    """The INN as typed. Excel keeps a column of digits as numbers and drops the leading zero of a tax office in
    regions 01–09 (in its CSV too): nine or eleven digits get the zero back, and the check digits judge the result."""
    text = cell_text(value)
    if text.isdigit() and len(text) in (9, 11):
        return "0" + text
    return text


def check_venues(*, actor, header: list[str], rows: list[tuple], progress: ProgressCallback | None = None) -> CheckResult:
    """Every row's errors, or the venues to create when there is none. Reads the database, writes nothing."""
    columns = Columns(VenueResource(), header, required=REQUIRED)
    scope = Scope.of(actor, kind="venues")
    if scope.is_empty:
        raise ImportError_(gettext("You may not import venues."))
    regions = Regions({columns.text(row, "region") for row in rows})
    today = timezone.localdate()
    inns = FirstRows()

    def read(row: tuple, number: int, errors: list[str]) -> dict:
        required(columns, row, REQUIRED, errors)
        record = {name: columns.text(row, name) for name in TEXT_FIELDS}
        record.update(
            region=None, municipality_id=None, inn=_inn_text(columns.raw(row, "inn")),
            licence_issued_on=columns.clean(row, "licence_issued_on", errors),
            email=columns.clean(row, "email", errors) or "",
            is_active=columns.clean(row, "is_active", errors) if columns.text(row, "is_active") else True,
        )
        check_lengths(columns, record, Venue, TEXT_FIELDS, errors)
        if record["inn"] and (problem := inn_problem(record["inn"])):
            errors.append(columns.message("inn", problem))
        if record["licence_issued_on"] and record["licence_issued_on"] > today:
            errors.append(columns.message("licence_issued_on", gettext("the date %(date)s is in the future.") % {
                "date": record["licence_issued_on"].strftime("%d.%m.%Y"),
            }))
        code = columns.text(row, "region")
        region = regions.find(code) if code else None
        if code and region is None:
            errors.append(columns.message("region", RegionWidget().not_found(code, {})))
        elif region is not None and (refusal := scope.region_refusal(region)):
            errors.append(refusal)
        elif region is not None:
            record["region"] = region
            municipality = columns.text(row, "municipality")
            record["municipality_id"] = regions.municipality_id(region, municipality) if municipality else None
            if municipality and record["municipality_id"] is None:
                errors.append(columns.message(
                    "municipality", MunicipalityWidget().not_found(municipality, columns.as_row_dict(row))
                ))
        if record["region"] and record["inn"]:
            earlier = inns.earlier((record["region"].id, record["inn"]), number)
            if earlier:
                errors.append(columns.message("inn", gettext(
                    "a venue with the INN «%(inn)s» is already in row %(row)s."
                ) % {"inn": record["inn"], "row": earlier}))
        return record

    def against_database(chunk: list[Row]) -> None:
        keyed = [row for row in chunk if row.record["region"] and row.record["inn"]]
        if not keyed:
            return
        found = Venue.objects.filter(
            region_id__in={row.record["region"].id for row in keyed}, inn__in={row.record["inn"] for row in keyed}
        ).values_list("region_id", "inn", "short_name")
        existing = {(region_id, inn): name for region_id, inn, name in found}
        for row in keyed:
            name = existing.get((row.record["region"].id, row.record["inn"]))
            if name is not None:
                row.errors.append(columns.message("inn", gettext(
                    "the region «%(region)s» already has a venue with the INN «%(inn)s»: «%(name)s»."
                ) % {"region": row.record["region"].name, "inn": row.record["inn"], "name": name}))

    return check_rows(rows, read=read, against_database=against_database, progress=progress)


@transaction.atomic
def venues_create(*, actor, records: list[dict], invitation_url: str = "") -> int:
    """Write checked venues (`check_venues(...).records`) in chunks, in one transaction; the number created."""
    created = 0
    for _start, chunk in chunks(records):
        created += len(Venue.objects.bulk_create([
            Venue(region_id=r["region"].id, municipality_id=r["municipality_id"], inn=r["inn"], email=r["email"],
                  licence_issued_on=r["licence_issued_on"], is_active=r["is_active"],
                  **{name: r[name] for name in TEXT_FIELDS})
            for r in chunk
        ]))
    return created


def venue_template(*, user) -> TemplateSpec:
    """The columns of `VenueResource` and an example row in the coordinator's region and one of its municipalities."""
    resource = VenueResource()
    header = [str(resource.fields[name].column_name) for name in resource.Meta.fields]
    region = Region.objects.filter(id__in=get_roles(user).coordinator_region_ids).order_by("name").first()
    municipality = Municipality.objects.filter(region=region).order_by("name").first() if region else None
    code, place = (region.code, municipality.name) if municipality else ("71", "г. Тула")
    inn = "710700000" + _check_digit("710700000", _INN10_WEIGHTS)
    example = [
        code, place, "Колледж № 1", "Государственное профессиональное образовательное учреждение «Колледж № 1»", inn,
        f"{place}, ул. Ленина, д. 1", "Л035-01234-71/00123456", dt.date(2020, 3, 1), "пандус, лифт",
        "Петрова Ольга Ивановна", "college@example.ru", "+7 900 000-00-00", "да",
    ]
    return TemplateSpec(header, example)


def register_import() -> None:
    register(ImportKind(
        name="venues", title=_("Import of venues"), row_hint=_("and fill in one row per venue; keep the header row."),
        allowed=may_import_venues, check=check_venues, create=venues_create, template=venue_template,
        list_url_name="venues:venue_list", list_label=_("Open the list of venues"), personal_data=False,
    ))
