"""The coordinator's import of the region's venues (issue 14 §3) through the portal's import machinery: the preview's
Russian errors per row, all or nothing, duplicates by region and INN, scoping, the template, the background job."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bilet.models import PersonalDataAccess
from bilet.tests.admin_import import xlsx_bytes
from bilet.tests.test_uploads import zip_bomb
from participants.models import ImportJob
from participants.tests.test_imports_portal import coordinator_client, errors_of, job_of  # noqa: F401 (a fixture)
from venues.models import Venue
from venues.services.imports import inn_problem

HEADER = ["Код региона", "Муниципалитет", "Название", "Полное название", "ИНН", "Адрес", "Номер лицензии",
          "Дата выдачи лицензии", "Доступная среда", "Контактное лицо", "Эл. почта", "Телефон", "Действует"]
# Taxpayer numbers whose check digits are right (the Federal Tax Service's algorithm).
INN_A, INN_B, INN_C, INN_D = "7107000013", "7107000020", "7107000038", "6701000017"


def venue_row(place, short_name, inn, *, municipality=None, **cells):
    values = {
        "Муниципалитет": (municipality or place.municipality).name, "Полное название": f"ГПОУ «{short_name}»",
        "Адрес": "г. Тула, ул. Ленина, д. 1", "Номер лицензии": "Л035-01234-71/00123456",
        "Дата выдачи лицензии": "01.03.2020", "Эл. почта": "", "Действует": "", **cells,
    }
    values.update({"Код региона": cells.get("Код региона", place.region.code), "Название": short_name, "ИНН": inn})
    return [values.get(column, "") for column in HEADER]


def upload(client, content: bytes, name="venues.xlsx"):
    return client.post(reverse("participants:import_venues"), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.django_db
def test_a_clean_file_of_venues_is_previewed_then_imported_on_confirmation(coordinator_client, world):
    a = world.a
    rows = [HEADER, venue_row(a, "Колледж связи", INN_A, **{"Действует": "нет", "Эл. почта": "College@Example.ru"}),
            venue_row(a, "Техникум", INN_B, municipality=a.other_municipality, **{"Дата выдачи лицензии": ""})]
    job = job_of(upload(coordinator_client, xlsx_bytes(rows)))
    assert job.state == ImportJob.State.VALID and job.total_rows == 2, job.errors
    assert not Venue.objects.filter(inn__in=[INN_A, INN_B]).exists()  # the preview saves nothing
    coordinator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.created_count == 2
    college, technikum = Venue.objects.get(inn=INN_A), Venue.objects.get(inn=INN_B)
    assert (college.region, college.municipality, college.short_name) == (a.region, a.municipality, "Колледж связи")
    assert college.name == "ГПОУ «Колледж связи»" and college.licence_number == "Л035-01234-71/00123456"
    assert college.licence_issued_on == dt.date(2020, 3, 1) and college.email == "college@example.ru"
    assert not college.is_active and technikum.is_active and technikum.licence_issued_on is None
    assert technikum.municipality == a.other_municipality
    page = coordinator_client.get(reverse("participants:import_job", args=[job.pk])).content.decode()
    assert "Импортировано 2 записи." in page and reverse("venues:venue_list") in page
    assert "Открыть список площадок" in page


@pytest.mark.django_db
def test_a_csv_of_venues_in_windows_1251_with_semicolons_is_read(coordinator_client, world):
    lines = [";".join(map(str, row)) for row in [HEADER, venue_row(world.a, "Колледж", INN_A)]]
    job = job_of(upload(coordinator_client, ("\r\n".join(lines) + "\r\n").encode("cp1251"), "venues.csv"))
    assert job.state == ImportJob.State.VALID, job.errors


@pytest.mark.django_db
def test_every_venue_row_error_is_listed_in_russian_and_nothing_is_saved(coordinator_client, world):
    a, b = world.a, world.b
    Venue.objects.filter(pk=a.venue.pk).update(inn=INN_C)
    rows = [
        HEADER,
        venue_row(a, "Хороший колледж", INN_A),  # 2: clean, but not saved because others are not
        venue_row(a, "Безымянный", INN_B, **{"Полное название": "", "Адрес": ""}),  # 3
        venue_row(a, "Буквенный", "77О7083893"),  # 4: a Cyrillic «О» among the digits
        venue_row(a, "Опечатка", "7707083894"),  # 5
        venue_row(a, "Загородный", INN_D, municipality=b.municipality),  # 6: a municipality of another region
        venue_row(a, "Нигдешний", INN_D, **{"Код региона": "98"}),  # 7
        venue_row(b, "Смоленский", INN_D),  # 8: another region than the coordinator's
        venue_row(a, "Двойник", INN_A),  # 9: the INN of row 2
        venue_row(a, "Старый", INN_C),  # 10: already a venue of the region
        venue_row(a, "Неряшливый", "0274062111", **{"Эл. почта": "нет почты", "Дата выдачи лицензии": "32.01.2020",
                                                    "Действует": "может быть"}),  # 11
        venue_row(a, "К" * 201, "7707083893"),  # 12
        venue_row(a, "Будущий", "500100732259", **{"Дата выдачи лицензии": "01.01.2099"}),  # 13
    ]
    job = job_of(upload(coordinator_client, xlsx_bytes(rows)))
    errors = errors_of(job)
    assert job.state == ImportJob.State.INVALID and set(errors) == set(range(3, 14)), errors
    assert errors[3] == ["«Полное название»: ячейка пуста, а она обязательна.",
                         "«Адрес»: ячейка пуста, а она обязательна."]
    assert errors[4] == ["«ИНН»: «77О7083893» — не ИНН: в ИНН организации 10 цифр, индивидуального предпринимателя 12."]
    assert errors[5] == ["«ИНН»: контрольная цифра ИНН «7707083894» не сходится: проверьте, нет ли опечатки."]
    assert errors[6] == [f"«Муниципалитет»: в регионе с кодом «71» нет муниципалитета «{b.municipality.name}»."]
    assert errors[7] == ["«Код региона»: нет региона с кодом «98»."]
    assert errors[8] == ["«Смоленская область» — другой регион: вы можете импортировать только для своего региона."]
    assert errors[9] == [f"«ИНН»: площадка с ИНН «{INN_A}» уже есть в строке 2."]
    assert errors[10] == [f"«ИНН»: в регионе «Тульская область» уже есть площадка с ИНН «{INN_C}»: «{a.venue.short_name}»."]
    assert errors[11] == ["«Дата выдачи лицензии»: «32.01.2020» — не дата; запишите её в виде 31.12.2012.",
                          "«Эл. почта»: «нет почты» — не адрес электронной почты.",
                          "«Действует»: «может быть» — не «да» и не «нет»; напишите «да» или «нет»."]
    assert errors[12] == ["«Название»: в тексте 201 знак, а помещается не больше 200."]
    assert errors[13] == ["«Дата выдачи лицензии»: дата 01.01.2099 ещё не наступила."]
    page = coordinator_client.get(reverse("participants:import_job", args=[job.pk])).content.decode()
    assert "Ошибки в 11 строках из 12. Ничего не сохранено" in page
    # A venue list names no child: the page of its errors is not a view of personal data.
    assert not PersonalDataAccess.objects.exists()
    coordinator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    assert not Venue.objects.filter(short_name="Хороший колледж").exists()


@pytest.mark.django_db
def test_an_inn_that_excel_kept_as_a_number_gets_its_leading_zero_back(coordinator_client, world):
    rows = [HEADER, venue_row(world.a, "Уфимский колледж", 274062111), venue_row(world.a, "Опечатка", "274062112")]
    errors = errors_of(job_of(upload(coordinator_client, xlsx_bytes(rows))))
    assert errors == {3: ["«ИНН»: контрольная цифра ИНН «0274062112» не сходится: проверьте, нет ли опечатки."]}
    rows.pop()
    job = job_of(upload(coordinator_client, xlsx_bytes(rows)))
    assert job.state == ImportJob.State.VALID, job.errors
    coordinator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    assert Venue.objects.get(short_name="Уфимский колледж").inn == "0274062111"


def test_the_inn_check_digits():
    assert inn_problem("7707083893") is None and inn_problem("500100732259") is None
    assert "контрольная цифра" in inn_problem("500100732258") and "контрольная цифра" in inn_problem("7707083883")
    assert "не ИНН" in inn_problem("77070838") and "не ИНН" in inn_problem("7707-83893")


@pytest.mark.django_db
def test_a_file_without_the_inn_column_fails_with_its_name(coordinator_client, world):
    rows = [[c for c in HEADER if c != "ИНН"], venue_row(world.a, "Колледж", INN_A)[:4]]
    job = job_of(upload(coordinator_client, xlsx_bytes(rows)))
    assert job.state == ImportJob.State.FAILED and job.message.startswith("В файле нет колонки «ИНН»")


@pytest.mark.django_db
def test_the_guard_refuses_an_inflating_workbook_before_any_parser(coordinator_client, monkeypatch):
    import openpyxl as parser

    monkeypatch.setattr(parser, "load_workbook", lambda *a, **k: pytest.fail("the parser must not run"))
    response = upload(coordinator_client, zip_bomb())
    assert response.status_code == 400 and "ZIP-бомба" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_template_has_the_columns_and_an_example_in_the_coordinators_region(client, world):
    b = world.b
    client.force_login(b.coordinator.user)
    response = client.get(reverse("participants:import_template", args=["venues"]))
    assert response["Content-Disposition"] == 'attachment; filename="venues-template.xlsx"'
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][:2] == ("67", b.municipality.name)
    job = job_of(upload(client, xlsx_bytes(rows)))  # the example row itself passes the checks
    assert job.state == ImportJob.State.VALID, job.errors


@pytest.mark.django_db
def test_operator_staff_import_venues_of_any_region(client, world):
    client.force_login(world.operator)
    rows = [HEADER, venue_row(world.a, "Тульский", INN_A), venue_row(world.b, "Смоленский", INN_D)]
    job = job_of(upload(client, xlsx_bytes(rows)))
    assert job.state == ImportJob.State.VALID, job.errors


@pytest.mark.django_db
def test_only_coordinators_and_operator_staff_reach_the_venue_import_and_each_their_own_jobs(client, world):
    a, b = world.a, world.b
    for user in (a.navigator.user, world.curator.user, a.venue_staff.user, a.mentor.user, a.guardian.user,
                 a.student.user):
        client.force_login(user)
        assert client.get(reverse("participants:import_venues")).status_code == 404
        assert client.get(reverse("participants:import_template", args=["venues"])).status_code == 404
        assert upload(client, xlsx_bytes([HEADER, venue_row(a, "Колледж", INN_A)])).status_code == 404
    assert not ImportJob.objects.exists()
    client.force_login(a.coordinator.user)
    job = job_of(upload(client, xlsx_bytes([HEADER, venue_row(a, "Колледж", INN_A)])))
    for outsider in (b.coordinator.user, world.operator, a.navigator.user, world.curator.user):
        client.force_login(outsider)
        assert client.get(reverse("participants:import_job", args=[job.pk])).status_code == 404
        assert client.post(reverse("participants:import_job_confirm", args=[job.pk])).status_code == 404
    assert not Venue.objects.filter(inn=INN_A).exists()
    # The other region's coordinator has the page, for their own region's venues only.
    client.force_login(b.coordinator.user)
    assert client.get(reverse("participants:import_venues")).status_code == 200
    errors = errors_of(job_of(upload(client, xlsx_bytes([HEADER, venue_row(a, "Колледж", INN_A)]))))
    assert errors == {2: ["«Тульская область» — другой регион: вы можете импортировать только для своего региона."]}


@pytest.mark.django_db
def test_the_coordinators_venue_list_links_to_the_import_and_the_curators_does_not(client, world):
    link = f'href="{reverse("participants:import_venues")}"'
    client.force_login(world.a.coordinator.user)
    assert link in client.get(reverse("venues:venue_list")).content.decode()
    for reader in (world.curator.user, world.a.venue_staff.user):
        client.force_login(reader)
        page = client.get(reverse("venues:venue_list"))
        assert page.status_code == 200 and link not in page.content.decode()


@pytest.mark.django_db
def test_a_large_file_of_venues_is_checked_and_imported_by_the_job(coordinator_client, world, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.IMPORT_ASYNC_ROWS = 2
    inns = [INN_A, INN_B, INN_C]
    rows = [HEADER] + [venue_row(world.a, f"Колледж {i}", inn) for i, inn in enumerate(inns)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_of(upload(coordinator_client, xlsx_bytes(rows)))
    assert job.is_async and job.state == ImportJob.State.CHECKING and len(callbacks) == 1
    page = coordinator_client.get(reverse("participants:import_job", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in page and "hx-trigger" in page
    callbacks[0]()  # the check, as the worker runs it
    job.refresh_from_db()
    assert job.state == ImportJob.State.VALID and job.processed_rows == 3
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Venue.objects.filter(inn__in=inns).count() == 3
