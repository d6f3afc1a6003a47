import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from bilet.tests.directory import get_as as _get, listed_set as _rows, queries_of as _queries
from bilet.models import PersonalDataAccess
from participants.models import Consent, DiagnosticResult
from participants.tests.factories import ConsentFactory, NavigatorFactory, StudentFactory
from regions.tests.factories import SchoolFactory, nosology

NAVIGATORS = reverse("participants:navigator_list")
STUDENTS = reverse("participants:student_list")
EXPORT_CSV = reverse("participants:student_export_csv")
EXPORT_XLSX = reverse("participants:student_export_xlsx")


def _complete_diagnostics(student):
    for stage in (1, 2, 3):
        DiagnosticResult.objects.create(student=student, stage=stage, completed_at=timezone.now(), result="техника")


def _csv(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


# --- navigators -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_navigator_list_scoping(client, world):
    a = {world.a.navigator.pk, world.a.other_navigator.pk}
    assert _rows(_get(client, world.a.coordinator.user, NAVIGATORS)) == a
    assert _rows(_get(client, world.curator.user, NAVIGATORS)) == a
    assert _rows(_get(client, world.a.navigator.user, NAVIGATORS)) == {world.a.navigator.pk}
    assert len(_rows(_get(client, world.operator, NAVIGATORS))) == 4


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["guardian", "student", "venue_staff", "mentor"])
def test_navigator_pages_404_for_families_and_venues(client, world, who):
    user = getattr(world.a, who).user
    assert _get(client, user, NAVIGATORS).status_code == 404
    assert _get(client, user, reverse("participants:navigator_detail", args=[world.a.navigator.pk])).status_code == 404


@pytest.mark.django_db
def test_navigator_detail_scoping_and_registered_students(client, world):
    world.a.student.registered_by = world.a.navigator
    world.a.student.save()
    url = reverse("participants:navigator_detail", args=[world.a.navigator.pk])
    response = _get(client, world.a.coordinator.user, url)
    assert response.status_code == 200
    assert response.context["navigator"].registered_count == 1
    assert [s.pk for s in response.context["students"]] == [world.a.student.pk]
    assert "1 из 70" in response.content.decode()
    other = reverse("participants:navigator_detail", args=[world.b.navigator.pk])
    assert _get(client, world.a.coordinator.user, other).status_code == 404
    assert _get(client, world.curator.user, other).status_code == 404
    colleague = reverse("participants:navigator_detail", args=[world.a.other_navigator.pk])
    assert _get(client, world.a.navigator.user, colleague).status_code == 404


@pytest.mark.django_db
def test_navigator_filters_trained_school_and_search(client, world):
    world.a.navigator.training_completed_on = dt.date(2026, 3, 1)
    world.a.navigator.save()
    user = world.a.coordinator.user
    assert _rows(_get(client, user, NAVIGATORS + "?trained=yes")) == {world.a.navigator.pk}
    assert _rows(_get(client, user, NAVIGATORS + "?trained=no")) == {world.a.other_navigator.pk}
    assert _rows(_get(client, user, NAVIGATORS + f"?school={world.a.other_school.pk}")) == {world.a.other_navigator.pk}
    municipality = world.a.other_municipality.pk
    assert _rows(_get(client, user, NAVIGATORS + f"?municipality={municipality}")) == {world.a.other_navigator.pk}
    surname = world.a.navigator.user.last_name
    assert _rows(_get(client, user, NAVIGATORS + f"?q={surname}")) == {world.a.navigator.pk}


@pytest.mark.django_db
def test_navigator_school_filter_from_another_region_is_refused(client, world):
    response = _get(client, world.a.coordinator.user, NAVIGATORS + f"?school={world.b.school.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Фильтр «Школа» не применён" in body
    assert world.b.school.short_name not in body and world.b.navigator.user.email not in body


@pytest.mark.django_db
def test_navigator_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.a.coordinator.user)
    with django_assert_max_num_queries(14):
        client.get(NAVIGATORS)
    before = _queries(client, NAVIGATORS)
    for _ in range(6):
        navigator = NavigatorFactory(school=SchoolFactory(municipality=world.a.municipality))
        StudentFactory(school=navigator.school, registered_by=navigator)
    assert _queries(client, NAVIGATORS) == before


# --- students ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_student_list_scoping(client, world):
    a = {world.a.student.pk, world.a.sibling.pk, world.a.other_student.pk}
    assert _rows(_get(client, world.a.coordinator.user, STUDENTS)) == a
    assert _rows(_get(client, world.curator.user, STUDENTS)) == a
    assert _rows(_get(client, world.a.navigator.user, STUDENTS)) == {world.a.student.pk, world.a.sibling.pk}
    assert len(_rows(_get(client, world.operator, STUDENTS))) == 6
    body = _get(client, world.a.coordinator.user, STUDENTS).content.decode()
    assert world.b.student.last_name not in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["guardian", "student", "venue_staff", "mentor"])
def test_student_pages_404_for_families_and_venues(client, world, who):
    user = getattr(world.a, who).user
    assert _get(client, user, STUDENTS).status_code == 404
    assert _get(client, user, reverse("participants:student_detail", args=[world.a.student.pk])).status_code == 404
    assert _get(client, user, EXPORT_CSV).status_code == 404
    assert _get(client, user, EXPORT_XLSX).status_code == 404
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_student_detail_shows_the_file(client, world):
    student = world.a.student
    student.nosology = nosology("hearing")
    student.save()
    consent = student.consents.get()
    consent.paper_received_on = dt.date(2026, 4, 2)
    consent.paper_received_by = world.a.navigator.user
    consent.save()
    _complete_diagnostics(student)
    response = _get(client, world.a.navigator.user, reverse("participants:student_detail", args=[student.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.a.guardian.user.email in body
    assert "нарушения слуха" in body
    assert "получен 02.04.2026" in body
    assert "3 из 3 этапов" in body
    assert world.a.event.title in body  # the booking
    assert "17 мая 2012" in body


@pytest.mark.django_db
def test_student_detail_outsiders_get_404(client, world):
    url = reverse("participants:student_detail", args=[world.b.student.pk])
    for user in (world.a.coordinator.user, world.curator.user, world.a.navigator.user):
        assert _get(client, user, url).status_code == 404
    other_school = reverse("participants:student_detail", args=[world.a.other_student.pk])
    assert _get(client, world.a.navigator.user, other_school).status_code == 404
    assert _get(client, world.operator, url).status_code == 200


@pytest.mark.django_db
def test_student_filters(client, world):
    user = world.a.coordinator.user
    without = StudentFactory(school=world.a.school, grade=10, nosology=nosology("sight"))
    withdrawn = world.a.sibling.consents.get()
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    paper = world.a.student.consents.get()
    paper.paper_received_on = dt.date(2026, 4, 2)
    paper.save()
    _complete_diagnostics(world.a.other_student)

    assert _rows(_get(client, user, STUDENTS + "?grade=10")) == {without.pk}
    assert _rows(_get(client, user, STUDENTS + f"?nosology={nosology('sight').pk}")) == {without.pk}
    assert _rows(_get(client, user, STUDENTS + "?consent=yes")) == {world.a.student.pk, world.a.other_student.pk}
    assert _rows(_get(client, user, STUDENTS + "?consent=no")) == {without.pk}
    assert _rows(_get(client, user, STUDENTS + "?consent=withdrawn")) == {world.a.sibling.pk}
    assert _rows(_get(client, user, STUDENTS + "?paper=yes")) == {world.a.student.pk}
    assert world.a.student.pk not in _rows(_get(client, user, STUDENTS + "?paper=no"))
    assert _rows(_get(client, user, STUDENTS + "?diagnostics=complete")) == {world.a.other_student.pk}
    assert world.a.other_student.pk not in _rows(_get(client, user, STUDENTS + "?diagnostics=incomplete"))
    assert _rows(_get(client, user, STUDENTS + f"?school={world.a.other_school.pk}")) == {world.a.other_student.pk}
    both = f"?municipality={world.a.municipality.pk}&grade=8"
    assert _rows(_get(client, user, STUDENTS + both)) == {world.a.student.pk, world.a.sibling.pk}


@pytest.mark.django_db
def test_student_re_consent_after_withdrawal_counts_as_in_force(client, world):
    old = world.a.sibling.consents.get()
    old.withdrawn_at = timezone.now()
    old.save()
    ConsentFactory(student=world.a.sibling)
    user = world.a.coordinator.user
    assert world.a.sibling.pk in _rows(_get(client, user, STUDENTS + "?consent=yes"))
    assert world.a.sibling.pk not in _rows(_get(client, user, STUDENTS + "?consent=withdrawn"))


@pytest.mark.django_db
def test_student_search_by_name(client, world):
    user = world.a.coordinator.user
    assert _rows(_get(client, user, STUDENTS + "?q=Сестрова71")) == {world.a.sibling.pk}
    first = world.a.student.first_name
    assert _rows(_get(client, user, STUDENTS + f"?q=Студентова71+{first}")) == {world.a.student.pk}
    assert _rows(_get(client, user, STUDENTS + "?q=Студентова67")) == set()  # region b's student


@pytest.mark.django_db
def test_student_invalid_filters_keep_input_and_explain(client, world):
    response = _get(client, world.a.coordinator.user, STUDENTS + "?grade=5&consent=maybe&q=Сестрова71")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Фильтр «Класс» не применён" in body
    assert "Фильтр «Согласие на обработку ПДн» не применён" in body
    assert 'value="Сестрова71"' in body
    assert _rows(response) == {world.a.sibling.pk}


@pytest.mark.django_db
def test_student_filter_choices_stay_in_scope(client, world):
    response = _get(client, world.a.coordinator.user, STUDENTS)
    form = response.context["form"]
    assert {s.pk for s in form.fields["school"].queryset} == {world.a.school.pk, world.a.other_school.pk}
    body = response.content.decode()
    assert world.b.school.short_name not in body and world.b.municipality.name not in body


@pytest.mark.django_db
def test_student_sort_and_pagination(client, world, settings):
    settings.PAGINATE_BY = 2
    user = world.a.coordinator.user
    response = _get(client, user, STUDENTS + "?sort=-name")
    assert [s.pk for s in response.context["page_obj"]] == [world.a.other_student.pk, world.a.student.pk]
    body = response.content.decode()
    assert 'aria-sort="descending"' in body
    assert "?sort=-name&amp;page=2" in body
    response = client.get(STUDENTS + "?sort=-name&page=2")
    assert [s.pk for s in response.context["page_obj"]] == [world.a.sibling.pk]


@pytest.mark.django_db
def test_student_list_htmx_partial(client, world):
    response = _get(client, world.a.coordinator.user, STUDENTS + "?grade=8", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body and 'id="filter-form"' not in body
    assert 'hx-swap-oob="true"' in body
    assert f"{EXPORT_XLSX}?grade=8" in body


@pytest.mark.django_db
def test_student_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.a.coordinator.user)
    with django_assert_max_num_queries(14):
        client.get(STUDENTS)
    before = _queries(client, STUDENTS)
    for _ in range(8):
        student = StudentFactory(school=world.a.school, nosology=nosology("other"))
        ConsentFactory(student=student)
        _complete_diagnostics(student)
    assert _queries(client, STUDENTS) == before


# --- exports ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_csv_content_and_log(client, world):
    client.force_login(world.a.coordinator.user)
    response = client.get(EXPORT_CSV + "?municipality=" + str(world.a.municipality.pk), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:5] == ["Фамилия", "Имя", "Отчество", "Дата рождения", "Класс"]
    assert {r[0] for r in rows[1:]} == {world.a.student.last_name, world.a.sibling.last_name}
    assert rows[1][3] == "17.05.2012"
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.kind, entry.row_count, entry.ip_address) == (
        world.a.coordinator.user, "export", 2, "10.1.2.3"
    )
    assert entry.what == "Участники (CSV)"
    assert entry.scope == "Тульская область"
    assert entry.query == f"municipality={world.a.municipality.pk}"


@pytest.mark.django_db
def test_export_xlsx_content_and_scope(client, world):
    client.force_login(world.a.navigator.user)
    response = client.get(EXPORT_XLSX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Фамилия" and rows[0][9] == "Согласие на обработку ПДн"
    surnames = {r[0] for r in rows[1:]}
    assert surnames == {world.a.student.last_name, world.a.sibling.last_name}  # not the other school, not region b
    assert rows[1][3] == dt.datetime(2012, 5, 17)
    entry = PersonalDataAccess.objects.get()
    assert entry.what == "Участники (XLSX)" and entry.row_count == 2
    assert entry.scope == f"{world.a.school.short_name} (Тульская область)"


@pytest.mark.django_db
def test_export_operator_scope_is_all_regions(client, world):
    client.force_login(world.operator)
    rows = _csv(client.get(EXPORT_CSV))
    assert len(rows) == 7
    assert PersonalDataAccess.objects.get().scope == "все регионы"


@pytest.mark.django_db
def test_export_with_invalid_filter_exports_nothing(client, world):
    client.force_login(world.a.coordinator.user)
    response = client.get(EXPORT_CSV + f"?school={world.b.school.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"{STUDENTS}?school={world.b.school.pk}"
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_export_anonymous_goes_to_login(client, world):
    response = client.get(EXPORT_CSV)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_export_consent_columns(client, world):
    withdrawn = world.a.sibling.consents.get()
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    Consent.objects.filter(student=world.a.student).update(paper_received_on=dt.date(2026, 4, 2))
    client.force_login(world.a.navigator.user)
    rows = {r[0]: r for r in _csv(client.get(EXPORT_CSV))[1:]}
    assert rows[world.a.student.last_name][9:11] == ["действует", "да"]
    assert rows[world.a.sibling.last_name][9:11] == ["отозвано", "нет"]


@pytest.mark.django_db
def test_student_search_ignores_case_of_cyrillic_on_postgres(client, world, require_postgres):
    assert _rows(_get(client, world.a.coordinator.user, STUDENTS + "?q=сестрова71")) == {world.a.sibling.pk}


@pytest.mark.django_db
def test_export_never_writes_a_formula(client, world):
    world.a.student.last_name = "=HYPERLINK(\"http://evil.example\",\"Иванов\")"
    world.a.student.first_name = "+7"
    world.a.student.save()
    client.force_login(world.a.navigator.user)
    rows = _csv(client.get(EXPORT_CSV))
    assert ["'=HYPERLINK(\"http://evil.example\",\"Иванов\")", "'+7"] in [r[:2] for r in rows]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(EXPORT_XLSX).streaming_content)))
    cells = [row[0] for row in workbook.active.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert "'=HYPERLINK(\"http://evil.example\",\"Иванов\")" in [cell.value for cell in cells]


@pytest.mark.django_db
def test_navigator_filters_offer_only_their_school(client, world):
    form = _get(client, world.a.navigator.user, STUDENTS).context["form"]
    assert "region" not in form.fields and "municipality" not in form.fields
    assert [s.pk for s in form.fields["school"].queryset] == [world.a.school.pk]


@pytest.mark.django_db
def test_detail_pages_query_counts_do_not_grow(client, world):
    from venues.tests.factories import BookingFactory, EventFactory

    client.force_login(world.a.coordinator.user)
    student = reverse("participants:student_detail", args=[world.a.student.pk])
    navigator = reverse("participants:navigator_detail", args=[world.a.navigator.pk])
    before = (_queries(client, student), _queries(client, navigator))
    _complete_diagnostics(world.a.student)
    old = world.a.student.consents.get()
    old.withdrawn_at = timezone.now()
    old.save()
    ConsentFactory(student=world.a.student, paper_received_by=world.a.navigator.user, paper_received_on=dt.date(2026, 4, 2))
    for _ in range(3):
        BookingFactory(student=world.a.student, event=EventFactory(venue=world.a.other_venue, campaign=world.campaign))
        StudentFactory(school=world.a.school, registered_by=world.a.navigator)
    assert (_queries(client, student), _queries(client, navigator)) == before
