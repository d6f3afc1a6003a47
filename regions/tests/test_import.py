import pytest

from bilet.tests.admin_import import (
    FORMAT_CSV,
    FORMAT_XLSX,
    admin_import,
    csv_bytes,
    form_errors,
    page_messages,
    xlsx_bytes,
)
from regions.models import Competency, Municipality, Region, School
from regions.tests.factories import MunicipalityFactory, RegionFactory

SCHOOL_HEADER = ["Код региона", "Муниципалитет", "Школа (краткое название)", "Полное название", "ИНН", "Адрес",
                 "Директор", "Эл. почта", "Телефон"]


@pytest.fixture
def operator_client(client, world):
    client.force_login(world.operator)
    return client


@pytest.mark.django_db
def test_regions_import_from_xlsx_by_code_and_update_on_reimport(operator_client):
    RegionFactory(code="05", name="Республика Дагестан (старое)")
    rows = [["Код", "Название"], [5, "Республика Дагестан"], ["40", "Калужская область"]]
    response = admin_import(operator_client, Region, xlsx_bytes(rows), "regions.xlsx")
    assert response.status_code == 200
    # Excel turned «05» into 5: the code still finds the region and renames it instead of adding a twin.
    assert Region.objects.get(code="05").name == "Республика Дагестан"
    assert Region.objects.get(code="40").name == "Калужская область"
    assert Region.objects.filter(code__in=["5", "05", "40"]).count() == 2


@pytest.mark.django_db
def test_municipalities_import_from_csv_by_region_code(operator_client, world):
    rows = [
        ["Код региона", "Муниципалитет", "Ответственный", "Эл. почта", "Телефон"],
        ["71", "Новомосковск", "Петрова А. А.", "PETROVA@nmsk.example", "+7 48762 0-00-00"],
        ["67", "Вязьма", "", "", ""],
    ]
    admin_import(operator_client, Municipality, csv_bytes(rows), "m.csv")
    created = Municipality.objects.get(name="Новомосковск")
    assert (created.region, created.responsible_email) == (world.a.region, "petrova@nmsk.example")
    assert Municipality.objects.get(name="Вязьма").region == world.b.region


@pytest.mark.django_db
def test_schools_import_takes_the_region_from_the_municipality(operator_client, world):
    rows = [SCHOOL_HEADER, ["71", world.a.municipality.name, "Лицей № 2", "МБОУ «Лицей № 2»", "7100000000", "", "", "", ""]]
    admin_import(operator_client, School, xlsx_bytes(rows), "schools.xlsx")
    school = School.objects.get(short_name="Лицей № 2")
    assert (school.municipality, school.region) == (world.a.municipality, world.a.region)


@pytest.mark.django_db
def test_one_bad_row_imports_nothing_and_names_the_line_in_russian(operator_client, world):
    before = School.objects.count()
    rows = [
        SCHOOL_HEADER,
        ["71", world.a.municipality.name, "Гимназия № 1", "МБОУ «Гимназия № 1»", "", "", "", "", ""],
        ["71", "Несуществующий район", "Школа № 99", "МБОУ «Школа № 99»", "", "", "", "", ""],
        ["71", world.a.municipality.name, "Гимназия № 3", "", "", "", "", "", ""],
    ]
    response = admin_import(operator_client, School, csv_bytes(rows), "schools.csv")
    assert School.objects.count() == before
    assert "confirm_form" not in response.context
    messages = page_messages(response)
    assert messages == [
        "Строка 3: «Муниципалитет» — в регионе с кодом «71» нет муниципалитета «Несуществующий район».",
        "Строка 4: «Полное название» — Это поле не может быть пустым.",
    ]
    assert messages[0] in response.content.decode()


@pytest.mark.django_db
def test_a_school_of_the_same_name_in_another_region_is_not_matched(operator_client, world):
    MunicipalityFactory(region=world.b.region, name="Заречный")
    rows = [SCHOOL_HEADER, ["71", "Заречный", "Школа № 5", "МБОУ № 5", "", "", "", "", ""]]
    response = admin_import(operator_client, School, csv_bytes(rows), "schools.csv")
    assert not School.objects.filter(short_name="Школа № 5").exists()
    assert page_messages(response) == [
        "Строка 2: «Муниципалитет» — в регионе с кодом «71» нет муниципалитета «Заречный»."
    ]


@pytest.mark.django_db
def test_unknown_region_code_is_a_row_error(operator_client):
    rows = [["Код региона", "Муниципалитет"], ["999", "Где-то"]]
    response = admin_import(operator_client, Municipality, csv_bytes(rows), "m.csv")
    assert not Municipality.objects.filter(name="Где-то").exists()
    assert page_messages(response) == ["Строка 2: «Код региона» — нет региона с кодом «999»."]


@pytest.mark.django_db
def test_competencies_import_and_duplicate_name_is_refused(operator_client):
    Competency.objects.create(code="R1", name="Робототехника")
    rows = [["Код", "Название", "Профессиональная сфера"], ["W1", "Веб-дизайн", "IT"], ["R2", "Робототехника", "IT"]]
    response = admin_import(operator_client, Competency, csv_bytes(rows), "c.csv")
    assert not Competency.objects.filter(code__in=["W1", "R2"]).exists()
    assert len(page_messages(response)) == 1 and page_messages(response)[0].startswith("Строка 3: «Название» — ")
    rows[2] = ["R2", "Мобильная робототехника", "IT"]
    admin_import(operator_client, Competency, csv_bytes(rows), "c.csv")
    assert set(Competency.objects.values_list("code", flat=True)) >= {"W1", "R2", "R1"}


@pytest.mark.django_db
@pytest.mark.parametrize("name, fmt, content, message", [
    ("regions.txt", FORMAT_CSV, b"code,name\n", "Импортировать можно только файлы .xlsx и .csv; «regions.txt» — не такой."),
    ("regions.xlsx", FORMAT_XLSX, b"code,name\n1,x\n", "Файл назван .xlsx, но это не книга Excel."),
    ("regions.csv", FORMAT_XLSX, b"code,name\n", "Выбран формат xlsx, а файл — .csv."),
])
def test_wrong_file_is_refused_with_a_message(operator_client, name, fmt, content, message):
    before = Region.objects.count()
    response = admin_import(operator_client, Region, content, name, fmt=fmt)
    assert message in form_errors(response)
    assert Region.objects.count() == before


@pytest.mark.django_db
def test_too_big_file_is_refused(operator_client, settings):
    settings.UPLOAD_MAX_BYTES = 100
    rows = [["Код", "Название"]] + [[str(100 + i), f"Регион {i}"] for i in range(20)]
    response = admin_import(operator_client, Region, csv_bytes(rows), "regions.csv")
    assert any(error.startswith("Файл весит") for error in form_errors(response)), form_errors(response)
    assert not Region.objects.filter(code="100").exists()


@pytest.mark.django_db
def test_non_staff_cannot_reach_the_import(client, world):
    client.force_login(world.a.coordinator.user)
    response = admin_import(client, Region, csv_bytes([["Код", "Название"], ["98", "X"]]), "r.csv")
    assert response.status_code == 302
    assert not Region.objects.filter(code="98").exists()


@pytest.mark.django_db
def test_the_preview_table_numbers_rows_like_the_messages(operator_client, world):
    rows = [SCHOOL_HEADER, ["71", world.a.municipality.name, "Гимназия № 7", "", "", "", "", "", ""]]
    response = admin_import(operator_client, School, csv_bytes(rows), "schools.csv")
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    assert page_messages(response) == ["Строка 2: «Полное название» — Это поле не может быть пустым."]
