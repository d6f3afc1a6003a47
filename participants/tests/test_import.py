import datetime as dt

import pytest

from bilet.models import User
from bilet.tests.admin_import import admin_import, csv_bytes, page_messages, xlsx_bytes
from participants.models import Guardian, Guardianship, Navigator, Student
from regions.models import Nosology

STUDENT_HEADER = ["Код региона", "Муниципалитет", "Школа (краткое название)", "Фамилия", "Имя", "Отчество",
                  "Дата рождения", "Класс", "Литера", "Нозологическая группа"]


@pytest.fixture
def operator_client(client, world):
    client.force_login(world.operator)
    return client


def _student_row(world, last_name, grade=7, birth="01.09.2013", nosology=""):
    a = world.a
    return ["71", a.municipality.name, a.school.short_name, last_name, "Иван", "Петрович", birth, grade, "Б", nosology]


@pytest.mark.django_db
def test_students_import_from_xlsx_fill_region_and_municipality_from_the_school(operator_client, world):
    rows = [STUDENT_HEADER, _student_row(world, "Новиков", nosology="нарушения слуха"),
            _student_row(world, "Новикова", grade=11, birth=dt.datetime(2009, 2, 3))]
    admin_import(operator_client, Student, xlsx_bytes(rows), "students.xlsx")
    boy = Student.objects.get(last_name="Новиков")
    assert (boy.school, boy.municipality, boy.region) == (world.a.school, world.a.municipality, world.a.region)
    assert (boy.grade, boy.class_letter, boy.birth_date) == (7, "Б", dt.date(2013, 9, 1))
    assert boy.nosology.code == Nosology.Code.HEARING
    assert Student.objects.get(last_name="Новикова").birth_date == dt.date(2009, 2, 3)


@pytest.mark.django_db
def test_reimporting_the_list_updates_students_instead_of_doubling_them(operator_client, world):
    admin_import(operator_client, Student, csv_bytes([STUDENT_HEADER, _student_row(world, "Новиков")]), "s.csv")
    admin_import(operator_client, Student, csv_bytes([STUDENT_HEADER, _student_row(world, "Новиков", grade=8)]), "s.csv")
    assert list(Student.objects.filter(last_name="Новиков").values_list("grade", flat=True)) == [8]


@pytest.mark.django_db
def test_a_grade_outside_6_11_stops_the_whole_file(operator_client, world):
    before = Student.objects.count()
    rows = [STUDENT_HEADER] + [_student_row(world, f"Ученик{i}") for i in range(10)]
    rows.append(_student_row(world, "Пятиклассник", grade=5))
    rows.append(_student_row(world, "Двенадцатый", grade="12"))
    response = admin_import(operator_client, Student, csv_bytes(rows), "students.csv")
    assert Student.objects.count() == before
    assert page_messages(response) == [
        "Строка 12: «Класс» — класс должен быть от 6 до 11.",
        "Строка 13: «Класс» — класс должен быть от 6 до 11.",
    ]
    assert "Строка 12: «Класс» — класс должен быть от 6 до 11." in response.content.decode()


@pytest.mark.django_db
def test_a_school_of_another_municipality_and_a_bad_date_are_named(operator_client, world):
    rows = [STUDENT_HEADER, _student_row(world, "Верный")]
    wrong_school = _student_row(world, "Потерянный")
    wrong_school[1] = world.a.other_municipality.name
    rows += [wrong_school, _student_row(world, "Бездатный", birth="32.13.2012"), _student_row(world, "X", nosology="x")]
    response = admin_import(operator_client, Student, csv_bytes(rows), "students.csv")
    assert not Student.objects.filter(last_name="Верный").exists()
    school, municipality = world.a.school.short_name, world.a.other_municipality.name
    assert page_messages(response) == [
        f"Строка 3: «Школа (краткое название)» — в муниципалитете «{municipality}» региона 71 нет школы «{school}».",
        "Строка 4: «Дата рождения» — «32.13.2012» — не дата; запишите её в виде 31.12.2012.",
        "Строка 5: «Нозологическая группа» — «x» — не нозологическая группа; укажите одну из: «нарушения слуха», "
        "«нарушения зрения», «нарушения опорно-двигательного аппарата», «интеллектуальные нарушения», "
        "«расстройства аутистического спектра», «другие нарушения».",
    ]


@pytest.mark.django_db
def test_navigators_import_creates_the_account_without_a_password(operator_client, world):
    rows = [
        ["Эл. почта", "Фамилия", "Имя", "Отчество", "Телефон", "Код региона", "Муниципалитет",
         "Школа (краткое название)", "Должность", "Обучение пройдено"],
        ["Smirnova@School.example", "Смирнова", "Ольга", "Ивановна", "", "71", world.a.municipality.name,
         world.a.school.short_name, "учитель физики", "2026-09-15"],
        [world.a.other_navigator.user.email, "", "", "", "", "71", world.a.municipality.name,
         world.a.school.short_name, "", ""],
    ]
    admin_import(operator_client, Navigator, csv_bytes(rows), "navigators.csv")
    navigator = Navigator.objects.get(user__email="smirnova@school.example")
    assert (navigator.school, navigator.region, navigator.training_completed_on) == (
        world.a.school, world.a.region, dt.date(2026, 9, 15)
    )
    assert navigator.user.last_name == "Смирнова" and not navigator.user.has_usable_password()
    # An existing account gets a second school; its name is not overwritten by empty cells.
    assert set(Navigator.objects.filter(user=world.a.other_navigator.user).values_list("school", flat=True)) == {
        world.a.other_school.pk, world.a.school.pk
    }


@pytest.mark.django_db
def test_navigators_import_with_a_bad_email_creates_no_account(operator_client, world):
    accounts = User.objects.count()
    rows = [["Эл. почта", "Код региона", "Муниципалитет", "Школа (краткое название)"],
            ["new@school.example", "71", world.a.municipality.name, world.a.school.short_name],
            ["не-почта", "71", world.a.municipality.name, world.a.school.short_name]]
    response = admin_import(operator_client, Navigator, csv_bytes(rows), "n.csv")
    assert User.objects.count() == accounts
    assert page_messages(response) == ["Строка 3: «Эл. почта» — «не-почта» — не адрес электронной почты."]


GUARDIAN_HEADER = ["Эл. почта родителя", "Фамилия родителя", "Имя родителя", "Отчество родителя", "Кем приходится",
                   "Код региона", "Муниципалитет", "Школа (краткое название)", "Фамилия", "Имя", "Отчество",
                   "Дата рождения"]


def _link_row(world, email, student, relation="мать"):
    return [email, "Родителева", "Мария", "", relation, student.region.code, student.municipality.name,
            student.school.short_name, student.last_name, student.first_name, student.middle_name,
            student.birth_date.strftime("%d.%m.%Y")]


@pytest.mark.django_db
def test_guardian_links_import_creates_the_parent_and_links_the_child(operator_client, world):
    child = world.a.other_student
    admin_import(operator_client, Guardianship, csv_bytes([GUARDIAN_HEADER, _link_row(world, "mama@family.example", child)]), "g.csv")
    guardian = Guardian.objects.get(user__email="mama@family.example")
    assert list(guardian.children.all()) == [child]
    assert Guardianship.objects.get(guardian=guardian).relation == Guardianship.Relation.MOTHER


@pytest.mark.django_db
def test_guardian_links_with_an_unknown_child_import_nothing(operator_client, world):
    ghost = Student(region=world.a.region, municipality=world.a.municipality, school=world.a.school,
                    last_name="Несуществующий", first_name="Никто", middle_name="", birth_date=dt.date(2012, 1, 1))
    rows = [GUARDIAN_HEADER, _link_row(world, "papa@family.example", world.a.sibling, relation="отец"),
            _link_row(world, "papa@family.example", ghost)]
    response = admin_import(operator_client, Guardianship, csv_bytes(rows), "g.csv")
    assert not Guardian.objects.filter(user__email="papa@family.example").exists()
    assert page_messages(response) == [
        f"Строка 3: «Фамилия» — в «{world.a.school.short_name}» нет участника «Несуществующий Никто» "
        "с датой рождения 01.01.2012."
    ]
