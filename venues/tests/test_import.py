import pytest

from bilet.tests.admin_import import admin_import, csv_bytes, page_messages, xlsx_bytes
from regions.tests.factories import CompetencyFactory
from venues.models import Mentor, Venue

VENUE_HEADER = ["Код региона", "Муниципалитет", "Название", "Полное название", "ИНН", "Адрес", "Номер лицензии",
                "Дата выдачи лицензии", "Действует"]
MENTOR_HEADER = ["Код региона", "Фамилия", "Имя", "Отчество", "Организация", "Коды компетенций", "ИНН площадок"]


@pytest.fixture
def operator_client(client, world):
    client.force_login(world.operator)
    return client


@pytest.mark.django_db
def test_venues_import_by_region_and_inn_updates_the_existing_one(operator_client, world):
    venue = world.a.venue
    rows = [
        VENUE_HEADER,
        ["71", world.a.municipality.name, "Новый колледж", "ГПОУ «Новый колледж»", "7107000001", "Тула, ул. Мира, 1",
         "Л035-01", "01.02.2020", "да"],
        ["71", venue.municipality.name, "Переименованный", venue.name, venue.inn, venue.address, venue.licence_number,
         "", "нет"],
    ]
    admin_import(operator_client, Venue, xlsx_bytes(rows), "venues.xlsx")
    created = Venue.objects.get(inn="7107000001")
    assert (created.region, created.municipality, created.is_active) == (world.a.region, world.a.municipality, True)
    venue.refresh_from_db()
    assert (venue.short_name, venue.is_active) == ("Переименованный", False)


@pytest.mark.django_db
def test_a_venue_in_a_municipality_of_another_region_is_refused(operator_client, world):
    rows = [VENUE_HEADER, ["71", world.b.municipality.name, "Чужой", "Чужой", "7100000009", "адрес", "Л1", "", ""]]
    response = admin_import(operator_client, Venue, csv_bytes(rows), "venues.csv")
    assert not Venue.objects.filter(inn="7100000009").exists()
    assert page_messages(response) == [
        f"Строка 2: «Муниципалитет» — в регионе с кодом «71» нет муниципалитета «{world.b.municipality.name}»."
    ]


@pytest.mark.django_db
def test_mentors_import_with_competencies_and_venues_of_their_region(operator_client, world):
    robotics, web = CompetencyFactory(code="R1"), CompetencyFactory(code="W2")
    rows = [MENTOR_HEADER, ["71", "Кузнецов", "Пётр", "", "Колледж", "R1, W2", world.a.venue.inn]]
    admin_import(operator_client, Mentor, csv_bytes(rows), "mentors.csv")
    mentor = Mentor.objects.get(last_name="Кузнецов")
    assert mentor.region == world.a.region
    assert set(mentor.competencies.all()) == {robotics, web}
    assert list(mentor.venues.all()) == [world.a.venue]


@pytest.mark.django_db
def test_mentors_import_with_an_unknown_competency_or_another_regions_venue_imports_nothing(operator_client, world):
    CompetencyFactory(code="R1")
    world.b.venue.inn = "6700000001"
    world.b.venue.save(update_fields=["inn"])
    rows = [
        MENTOR_HEADER,
        ["71", "Верный", "Иван", "", "Колледж", "R1", ""],
        ["71", "Кузнецов", "Пётр", "", "Колледж", "R1, ZZ9", ""],
        ["71", "Соколов", "Илья", "", "Колледж", "R1", "6700000001"],
        ["71", "Безкомпетенций", "Олег", "", "Колледж", "", ""],
    ]
    response = admin_import(operator_client, Mentor, csv_bytes(rows), "mentors.csv")
    assert not Mentor.objects.filter(last_name__in=["Верный", "Кузнецов", "Соколов", "Безкомпетенций"]).exists()
    assert page_messages(response) == [
        "Строка 3: «Коды компетенций» — не найдены: «ZZ9».",
        "Строка 4: «ИНН площадок» — не найдены: «6700000001».",
        "Строка 5: «Коды компетенций» — укажите хотя бы один код компетенции.",
    ]
