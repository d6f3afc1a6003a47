"""The portal's imports of students and navigators (issue 14 §3): the preview's Russian errors per row, all or nothing,
the upload guard through the portal's form, scoping, the template, and the background job on a real worker."""

import datetime as dt
import time
from types import SimpleNamespace

import openpyxl
import io
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bilet.models import User
from bilet.tests.admin_import import xlsx_bytes
from bilet.tests.test_uploads import zip_bomb
from participants.models import ImportJob, Navigator, NavigatorInvitation, Student

STUDENT_HEADER = ["Код региона", "Муниципалитет", "Школа (краткое название)", "Фамилия", "Имя", "Отчество",
                  "Дата рождения", "Класс", "Литера", "Нозологическая группа", "Эл. почта"]
NAVIGATOR_HEADER = ["Эл. почта", "Фамилия", "Имя", "Отчество", "Телефон", "Код региона", "Муниципалитет",
                    "Школа (краткое название)", "Должность", "Обучение пройдено"]


def student_row(place, last_name, *, grade=8, birth="17.05.2012", email="", school=None, first_name="Анна"):
    school = school or place.school
    return [place.region.code, school.municipality.name, school.short_name, last_name, first_name, "Ивановна", birth,
            grade, "а", "", email]


def upload(client, kind, content: bytes, name="list.xlsx"):
    return client.post(
        reverse(f"participants:import_{kind}"), {"file": SimpleUploadedFile(name, content)}
    )


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def errors_of(job) -> dict[int, list[str]]:
    return {e["row"]: e["messages"] for e in job.errors}


@pytest.fixture
def navigator_client(client, world):
    client.force_login(world.a.navigator.user)
    return client


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.a.coordinator.user)
    return client


@pytest.mark.django_db
def test_a_clean_file_is_previewed_then_imported_on_confirmation(navigator_client, world):
    a = world.a
    rows = [STUDENT_HEADER, student_row(a, "Новикова"), student_row(a, "Орлова", grade=9, birth=dt.datetime(2011, 2, 3),
                                                                    email="orlova@test.example")]
    job = job_of(upload(navigator_client, "students", xlsx_bytes(rows)))
    assert job.state == ImportJob.State.VALID and job.total_rows == 2 and not job.is_async
    assert not Student.objects.filter(last_name__in=["Новикова", "Орлова"]).exists()  # the preview saves nothing
    page = navigator_client.get(reverse("participants:import_job", args=[job.pk])).content.decode()
    assert "Файл без ошибок: будет импортирована 2 строки." in page or "2 строки" in page
    response = navigator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.state == ImportJob.State.DONE and job.created_count == 2
    orlova = Student.objects.get(last_name="Орлова")
    assert (orlova.school, orlova.region, orlova.municipality) == (a.school, a.region, a.school.municipality)
    assert orlova.registered_by == a.navigator and orlova.class_letter == "А" and orlova.grade == 9
    assert orlova.user.email == "orlova@test.example" and not orlova.user.has_usable_password()
    # A second confirmation imports nothing twice.
    navigator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    assert Student.objects.filter(last_name="Орлова").count() == 1


@pytest.mark.django_db
def test_a_csv_with_semicolons_in_windows_1251_is_read(navigator_client, world):
    lines = [";".join(map(str, r)) for r in [STUDENT_HEADER, student_row(world.a, "Семёнова")]]
    job = job_of(upload(navigator_client, "students", ("\r\n".join(lines) + "\r\n").encode("cp1251"), "list.csv"))
    assert job.state == ImportJob.State.VALID, job.errors


@pytest.mark.django_db
def test_every_row_error_is_listed_in_russian_and_nothing_is_saved(navigator_client, world):
    a, b = world.a, world.b
    existing = a.student  # already registered: same name, birth date and school
    rows = [
        STUDENT_HEADER,
        student_row(a, "Хорошая"),  # row 2: clean, but not saved because others are not
        student_row(a, "Пятиклассница", grade=5),  # 3
        student_row(a, "Взрослая", grade=8, birth="01.01.1980"),  # 4
        student_row(a, "Ненастоящая", school=a.school, birth="31.02.2012"),  # 5
        [a.region.code, a.school.municipality.name, "Школа № 999", "Безшкольная", "Анна", "", "17.05.2012", 8, "", "", ""],  # 6
        [existing.region.code, existing.school.municipality.name, existing.school.short_name, existing.last_name,
         existing.first_name, existing.middle_name, existing.birth_date.strftime("%d.%m.%Y"), 8, "", "", ""],  # 7
        student_row(a, "Двойникова"),  # 8
        student_row(a, "Двойникова"),  # 9: the same person as row 8
        student_row(a, "Почтова", email="navigator71b@test.example"),  # 10: an account exists
        student_row(a, "Почтова2", email="twice@test.example"),  # 11
        student_row(a, "Почтова3", email="twice@test.example"),  # 12: the email of row 11
        student_row(a, "Чужая", school=a.other_school),  # 13: another school than the navigator's
        student_row(b, "Смоленская"),  # 14: another region
    ]
    response = upload(navigator_client, "students", xlsx_bytes(rows))
    job = job_of(response)
    errors = errors_of(job)
    assert job.state == ImportJob.State.INVALID and set(errors) == set(range(3, 15)) - {8, 11}, errors
    assert errors[3] == ["«Класс»: класс должен быть от 6 до 11."]
    assert errors[4] == ["«Дата рождения»: дата рождения 01.01.1980 не подходит для 8 класса: на 01.09.2026 "
                         "ученику было 46 лет, а ученику этого класса от 12 до 16."]
    assert errors[5] == ["«Дата рождения»: «31.02.2012» — не дата; запишите её в виде 31.12.2012."]
    assert errors[6] == [f"«Школа (краткое название)»: в муниципалитете «{a.school.municipality.name}» региона 71 "
                         f"нет школы «Школа № 999»."]
    assert errors[7] == [f"«{existing.full_name}», {existing.birth_date:%d.%m.%Y} г. р., уже зарегистрирован(а) "
                         f"в «{a.school.short_name}»."]
    assert errors[9] == ["Тот же ученик (ФИО, дата рождения и школа) уже есть в строке 8."]
    assert errors[10] == ["«Эл. почта»: учётная запись с адресом «navigator71b@test.example» уже есть."]
    assert errors[12] == ["«Эл. почта»: адрес «twice@test.example» уже есть в строке 11."]
    assert errors[13] == [f"«{a.other_school.short_name}» — не ваша школа: вы можете регистрировать учеников "
                          f"только школ «{a.school.short_name}»."]
    assert errors[14] == [f"«{b.school.short_name}» — не ваша школа: вы можете регистрировать учеников "
                          f"только школ «{a.school.short_name}»."]
    page = navigator_client.get(reverse("participants:import_job", args=[job.pk])).content.decode()
    assert "Ошибки в 10 строках из 13. Ничего не сохранено" in page
    assert "класс должен быть от 6 до 11." in page
    assert "<caption>Ошибки по строкам (заголовок — строка 1)</caption>" in page and "Показаны первые" not in page
    # All or nothing: the clean row 2 was not saved, and the file cannot be confirmed.
    assert not Student.objects.filter(last_name="Хорошая").exists()
    navigator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    assert not Student.objects.filter(last_name="Хорошая").exists()


@pytest.mark.django_db
def test_the_job_page_says_when_only_the_first_rows_with_errors_are_kept(navigator_client, world, monkeypatch):
    monkeypatch.setattr("participants.services.import_jobs.ERRORS_SHOWN", 5)
    rows = [STUDENT_HEADER, *(student_row(world.a, f"Младшая{n}", grade=3) for n in range(6))]
    job = job_of(upload(navigator_client, "students", xlsx_bytes(rows)))
    assert job.state == ImportJob.State.INVALID and job.error_count == 6 and sorted(errors_of(job)) == [2, 3, 4, 5, 6]
    page = navigator_client.get(reverse("participants:import_job", args=[job.pk])).content.decode()
    assert "Ошибки в 6 строках из 6. Ничего не сохранено" in page
    assert page.count('<tr><th scope="row" class="num">') == 5 and "Показаны первые 5 строк с ошибками." in page


@pytest.mark.django_db
def test_text_longer_than_its_field_is_a_row_error_not_a_failed_import(navigator_client, world):
    row = student_row(world.a, "Длинная")
    row[8] = "АБВГД"  # a class letter holds at most 4 characters
    errors = errors_of(job_of(upload(navigator_client, "students", xlsx_bytes([STUDENT_HEADER, row]))))
    assert errors == {2: ["«Литера»: в тексте 5 знаков, а помещается не больше 4."]}


@pytest.mark.django_db
def test_one_bad_row_saves_nothing_even_when_the_database_changed_after_the_preview(navigator_client, world):
    a = world.a
    rows = [STUDENT_HEADER, student_row(a, "Первая"), student_row(a, "Вторая")]
    job = job_of(upload(navigator_client, "students", xlsx_bytes(rows)))
    assert job.state == ImportJob.State.VALID
    # Someone registers «Вторая» between the preview and the confirmation: the import re-checks and saves nothing.
    Student.objects.create(school=a.school, region=a.region, municipality=a.school.municipality, last_name="Вторая",
                           first_name="Анна", middle_name="Ивановна", birth_date=dt.date(2012, 5, 17), grade=8)
    navigator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.INVALID and list(errors_of(job)) == [3]
    assert not Student.objects.filter(last_name="Первая").exists()


@pytest.mark.django_db
def test_a_coordinator_imports_any_school_of_the_region_but_not_another_region(coordinator_client, world):
    a, b = world.a, world.b
    rows = [STUDENT_HEADER, student_row(a, "Своя", school=a.other_school), student_row(b, "Чужая")]
    errors = errors_of(job_of(upload(coordinator_client, "students", xlsx_bytes(rows))))
    assert list(errors) == [3]
    assert errors[3] == [f"«{b.school.short_name}» находится в другом регионе (Смоленская область): "
                         f"вы можете импортировать только для своего региона."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.xlsx", None, "книга сжата в"),
        ("students.xlsx", b"MZ\x90\x00\x03" + b"\x00" * 200, "файл назван .xlsx, но это не книга excel."),
        ("students.csv", b"MZ\x90\x00\x03" + b"\x00" * 200, "не книга excel и не таблица csv"),
        ("students.xlsx", b"", "файл пуст"),
    ],
)
def test_the_upload_guard_refuses_bad_files_through_the_portal_form(navigator_client, name, content, message, monkeypatch):
    import openpyxl as parser

    monkeypatch.setattr(parser, "load_workbook", lambda *a, **k: pytest.fail("the parser must not run"))
    response = upload(navigator_client, "students", zip_bomb() if content is None else content, name)
    assert response.status_code == 400 and message in response.content.decode().lower()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_missing_column_fails_the_job_with_its_name(navigator_client, world):
    rows = [STUDENT_HEADER[:6], ["71", "x", "y", "Фамилия", "Имя", ""]]
    job = job_of(upload(navigator_client, "students", xlsx_bytes(rows)))
    assert job.state == ImportJob.State.FAILED
    assert job.message.startswith("В файле нет колонки «Дата рождения», «Класс»")


@pytest.mark.django_db
def test_the_template_has_the_header_and_an_example_of_the_navigators_school(navigator_client, world):
    response = navigator_client.get(reverse("participants:import_template", args=["students"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == STUDENT_HEADER
    assert rows[1][:3] == ("71", world.a.school.municipality.name, world.a.school.short_name)
    # The example row itself passes the checks.
    job = job_of(upload(navigator_client, "students", xlsx_bytes(rows)))
    assert job.state == ImportJob.State.VALID, job.errors


@pytest.mark.django_db
def test_who_may_import_what_and_whose_jobs_they_see(client, world):
    a = world.a
    client.force_login(a.navigator.user)
    assert client.get(reverse("participants:import_students")).status_code == 200
    assert client.get(reverse("participants:import_navigators")).status_code == 404
    assert client.get("/imports/venues/").status_code == 404
    job = job_of(upload(client, "students", xlsx_bytes([STUDENT_HEADER, student_row(a, "Тестова")])))
    for outsider in (a.navigator.user.__class__.objects.get(email="navigator71b@test.example"),
                     world.a.coordinator.user, world.operator):
        client.force_login(outsider)
        assert client.get(reverse("participants:import_job", args=[job.pk])).status_code == 404
        assert client.post(reverse("participants:import_job_confirm", args=[job.pk])).status_code == 404
    for role_user in (a.student.user, a.guardian.user, a.venue_staff.user, a.mentor.user, world.curator.user):
        client.force_login(role_user)
        assert client.get(reverse("participants:import_students")).status_code == 404
    client.force_login(world.a.coordinator.user)
    assert client.get(reverse("participants:import_navigators")).status_code == 200


@pytest.mark.django_db
def test_coordinator_imports_navigators_who_are_invited_by_email(coordinator_client, world, django_capture_on_commit_callbacks):
    a, b = world.a, world.b
    rows = [
        NAVIGATOR_HEADER,
        ["Petrova@School.example", "Петрова", "Ольга", "Ивановна", "+7 900 000-00-00", "71", a.other_school.municipality.name,
         a.other_school.short_name, "учитель", ""],
        [a.guardian.user.email, "Родителева", "Мария", "", "", "71", a.school.municipality.name, a.school.short_name,
         "учитель", ""],  # an existing account (a parent) becomes a navigator too, without an invitation
    ]
    job = job_of(upload(coordinator_client, "navigators", xlsx_bytes(rows)))
    assert job.state == ImportJob.State.VALID, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.created_count == 2
    petrova = User.objects.get(email="petrova@school.example")
    assert Navigator.objects.get(user=petrova).school == a.other_school
    assert Navigator.objects.filter(user=a.guardian.user, school=a.school).exists()
    assert [m.to for m in mail.outbox] == [["petrova@school.example"]]
    assert "/invitations/" in mail.outbox[0].body and NavigatorInvitation.objects.filter(user=petrova).count() == 1
    # The same list again: each row is now a duplicate; another region's school is refused.
    rows.append(["x@school.example", "Иксова", "Ирина", "", "", "67", b.school.municipality.name,
                 b.school.short_name, "", ""])
    rows.append(["petrova@school.example", "Петрова", "Ольга", "", "", "71", a.school.municipality.name,
                 a.school.short_name, "", ""])
    errors = errors_of(job_of(upload(coordinator_client, "navigators", xlsx_bytes(rows))))
    assert errors[2] == [f"«Эл. почта»: «petrova@school.example» уже навигатор в «{a.other_school.short_name}»."]
    assert errors[4][0].startswith(f"«{b.school.short_name}» находится в другом регионе")
    assert errors[5] == ["«Эл. почта»: адрес «petrova@school.example» уже есть в строке 2."]


@pytest.mark.django_db
def test_a_large_file_is_left_to_a_job_and_never_checked_in_the_request(navigator_client, world, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.IMPORT_ASYNC_ROWS = 2
    rows = [STUDENT_HEADER] + [student_row(world.a, f"Большая{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_of(upload(navigator_client, "students", xlsx_bytes(rows)))
    assert job.is_async and job.state == ImportJob.State.CHECKING and len(callbacks) == 1
    page = navigator_client.get(reverse("participants:import_job", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in page and 'http-equiv="refresh"' in page and "hx-trigger" in page


@pytest.mark.django_db
def test_progress_is_written_at_most_twice_a_second(world, django_assert_num_queries, monkeypatch):
    from participants.services import import_jobs

    job = ImportJob.objects.create(kind="students", created_by=world.a.navigator.user, file_name="x.xlsx",
                                   table_kind="xlsx", total_rows=10_000)
    clock = iter([100.0, 100.1, 100.2, 100.7])
    monkeypatch.setattr(import_jobs, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    report = import_jobs._progress(job, share=90)  # reads the clock once
    with django_assert_num_queries(1):
        for rows in (2000, 4000, 6000):  # at 100.1, 100.2: too soon; at 100.7: written
            report(rows)
    job.refresh_from_db()
    assert job.processed_rows == 5400


@pytest.mark.django_db(transaction=True)
def test_the_background_job_checks_imports_and_reports_progress_on_a_real_worker(celery_worker, client, world, settings):
    settings.IMPORT_ASYNC_ROWS = 10
    a = world.a
    rows = [STUDENT_HEADER] + [student_row(a, f"Фонова{i}") for i in range(300)]
    client.force_login(a.navigator.user)
    job = job_of(upload(client, "students", xlsx_bytes(rows)))
    assert job.is_async

    def wait_for(state):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state == state:
                return job
            time.sleep(0.2)
        pytest.fail(f"the job stayed {job.state}; worker log:\n{celery_worker.log.read_text()[-3000:]}")

    wait_for(ImportJob.State.VALID)
    assert job.processed_rows == 300 and not Student.objects.filter(last_name__startswith="Фонова").exists()
    client.post(reverse("participants:import_job_confirm", args=[job.pk]))
    wait_for(ImportJob.State.DONE)
    assert job.created_count == 300 and job.percent == 100
    assert Student.objects.filter(last_name__startswith="Фонова", registered_by=a.navigator).count() == 300
    partial = client.get(reverse("participants:import_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-valuenow="100"' in partial and "hx-trigger" not in partial
