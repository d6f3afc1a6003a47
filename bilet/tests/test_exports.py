"""No export of users' data writes a formula (issue 12 §3): every admin export and the portal's own exports."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ExportMixin

from bilet.exports import FORMULA_STARTS, safe_cell, unescaped_cell
from bilet.resources import export_resource
from bilet.tests.admin_import import admin_import
from participants.models import DiagnosticResult
from regions.models import RegionTarget, School
from venues.models import Recommendation

HOSTILE = ['=HYPERLINK("http://evil.example","Иванов")', "+cmd", "@SUM(1)", "-2+3"]
FORMAT_XLSX, FORMAT_CSV = "0", "1"  # the order of PortalImportExportMixin.export_formats


def test_safe_cell_escapes_text_that_starts_a_formula_and_leaves_values_alone():
    assert [safe_cell(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    assert safe_cell("\t=1") == "'\t=1" and safe_cell("\r=1") == "'\r=1"
    assert [safe_cell(v) for v in ("Иванов", "", None, -5, -2.5, dt.date(2012, 1, 31))] == [
        "Иванов", "", None, -5, -2.5, dt.date(2012, 1, 31)
    ]
    assert [unescaped_cell(safe_cell(text)) for text in HOSTILE] == HOSTILE
    assert unescaped_cell("'Иванов") == "'Иванов" and unescaped_cell(7) == 7


@pytest.fixture
def hostile_world(world):
    """Every kind of record the admin exports carries a name that a spreadsheet would run as a formula."""
    a = world.a
    a.student.last_name, a.student.first_name, a.student.middle_name = HOSTILE[:3]
    a.student.save()
    a.student.consents.update(given_by_name=HOSTILE[1])
    a.sibling.last_name = HOSTILE[3]
    a.sibling.save()
    for user, name in ((a.navigator.user, HOSTILE[0]), (a.guardian.user, HOSTILE[1]), (a.mentor.user, HOSTILE[2])):
        user.last_name, user.phone = name, "+7 900 000-00-00"
        user.save()
    a.mentor.last_name, a.mentor.phone = HOSTILE[3], "+7 900 000-00-01"
    a.mentor.save()
    a.region.name = HOSTILE[2]
    a.region.save()
    a.municipality.name, a.municipality.responsible_name = HOSTILE[3], HOSTILE[0]
    a.municipality.save()
    a.school.name, a.school.director_name = HOSTILE[1], HOSTILE[2]
    a.school.save()
    a.venue.contact_name, a.venue.name = HOSTILE[0], HOSTILE[3]
    a.venue.save()
    a.event.title = HOSTILE[1]
    a.event.save()
    a.event.competency.name = HOSTILE[0]
    a.event.competency.save()
    DiagnosticResult.objects.create(student=a.student, stage=1, completed_at=timezone.now(), result=HOSTILE[2])
    Recommendation.objects.create(booking=a.booking, mentor=a.mentor, competency=a.event.competency, text=HOSTILE[3])
    return world


EXPORTED_MODELS = sorted(
    (model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ExportMixin)),
    key=lambda model: model._meta.label,
)


def _admin_export(client, model, fmt):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    form = client.get(url).context["form"]
    data = {"format": fmt, "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content


def _xlsx_cells(content: bytes) -> list:
    return [cell for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]


def _csv_cells(content: bytes, delimiter=",") -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter)
    return [cell for row in rows for cell in row]


# Exports of ids and statuses only: nothing a user typed is in them.
NO_TEXT = {"venues.Booking"}


def _assert_text_only(texts: list, *, hostile=True) -> None:
    strings = [text for text in texts if isinstance(text, str)]
    assert not [text for text in strings if text.startswith(FORMULA_STARTS)]
    if hostile:
        assert any(text.startswith("'") and text[1:].startswith(FORMULA_STARTS) for text in strings), "no hostile value"


def test_every_admin_export_is_covered():
    names = {model._meta.label for model in EXPORTED_MODELS}
    assert {"participants.Student", "participants.Navigator", "participants.Guardian", "venues.Mentor"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("model", EXPORTED_MODELS, ids=lambda model: model._meta.label)
def test_admin_xlsx_export_writes_hostile_names_as_text(client, hostile_world, model):
    client.force_login(hostile_world.operator)
    cells = _xlsx_cells(_admin_export(client, model, FORMAT_XLSX))
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    _assert_text_only([cell.value for cell in cells], hostile=model._meta.label not in NO_TEXT)


@pytest.mark.django_db
@pytest.mark.parametrize("model", EXPORTED_MODELS, ids=lambda model: model._meta.label)
def test_admin_csv_export_writes_hostile_names_as_text(client, hostile_world, model):
    client.force_login(hostile_world.operator)
    _assert_text_only(_csv_cells(_admin_export(client, model, FORMAT_CSV)), hostile=model._meta.label not in NO_TEXT)


def test_admin_export_keeps_negative_numbers_as_numbers():
    resource = export_resource(RegionTarget, ["navigators", "students"])()
    target = [RegionTarget(navigators=-1, students=-45)]
    assert list(resource.export(target, force_native_type=True)[0]) == [-1, -45]  # XLSX
    assert list(resource.export(target)[0]) == ["-1", "-45"]  # CSV: a number as text, not a formula


@pytest.mark.django_db
def test_an_exported_list_imports_again_unchanged(client, hostile_world):
    """The apostrophe the export adds is not stored when the same file comes back (phones start with «+»)."""
    client.force_login(hostile_world.operator)
    school = hostile_world.a.school
    school.phone = "+7 487 200-00-00"
    school.save()
    content = _admin_export(client, School, FORMAT_CSV)
    assert "'+7 487 200-00-00" in _csv_cells(content)
    admin_import(client, School, content, "schools.csv")
    school.refresh_from_db()
    assert (school.phone, school.name, school.director_name) == ("+7 487 200-00-00", HOSTILE[1], HOSTILE[2])


STUDENT_EXPORT_CSV = reverse("participants:student_export_csv")
STUDENT_EXPORT_XLSX = reverse("participants:student_export_xlsx")


@pytest.mark.django_db
def test_portal_student_export_writes_hostile_names_as_text_and_numbers_as_numbers(client, hostile_world):
    client.force_login(hostile_world.a.coordinator.user)
    csv_cells = _csv_cells(b"".join(client.get(STUDENT_EXPORT_CSV).streaming_content), delimiter=";")
    _assert_text_only(csv_cells)
    assert {"'" + text for text in HOSTILE} <= set(csv_cells)
    cells = _xlsx_cells(b"".join(client.get(STUDENT_EXPORT_XLSX).streaming_content))
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    _assert_text_only([cell.value for cell in cells])
    assert {"'" + text for text in HOSTILE} <= {cell.value for cell in cells}
    counts = [cell for cell in cells if cell.column == 12 and cell.row > 1]
    assert counts and all(cell.data_type == "n" for cell in counts)
