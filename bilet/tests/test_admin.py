import datetime as dt

import openpyxl
import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from bilet.models import PersonalDataAccess, SignInAttempt, User
from participants.models import DiagnosticResult, Student
from participants.tests.factories import StudentFactory
from regions.models import Appeal, CampaignStage, RegionTarget, RoadmapItem
from venues.models import Booking, MentorDocument, Recommendation


@pytest.fixture
def full_world(world):
    """The shared world plus one row of every model it lacks, so every admin page has something to show."""
    campaign, a = world.campaign, world.a
    CampaignStage.objects.create(
        campaign=campaign, number=1, title="Регистрация площадок", starts_on=campaign.starts_on,
        deadline=campaign.starts_on + dt.timedelta(days=30),
    )
    RegionTarget.objects.create(campaign=campaign, region=a.region, navigators=75, students=4500, trials=865)
    RoadmapItem.objects.create(region=a.region, campaign=campaign, number="1.4", sort_key="001.004",
                               activity="Ежемесячный отчёт", period_kind="campaign", period_recurrence="monthly",
                               period_start=campaign.starts_on, period_end=campaign.ends_on)
    Appeal.objects.create(
        region=a.region, author_name="Иванова И. И.", subject="Запись на пробу", text="Как записать ребёнка?",
        received_at=timezone.now(), due_on=timezone.localdate() + dt.timedelta(days=10),
    )
    DiagnosticResult.objects.create(student=a.student, stage=1, completed_at=timezone.now(), result="Техника")
    MentorDocument.objects.create(mentor=a.mentor, title="Диплом эксперта", file=ContentFile(b"%PDF-1.4", name="d.pdf"))
    Recommendation.objects.create(booking=a.booking, mentor=a.mentor, competency=a.event.competency, text="Продолжать")
    PersonalDataAccess.objects.create(user=world.operator, kind="export", what="Участники", row_count=3)
    SignInAttempt.objects.create(email="operator@test.example", user=world.operator, succeeded=True)
    return world


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.django_db
def test_every_admin_page_opens_for_a_superuser(client, full_world):
    client.force_login(full_world.operator)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, model_admin in admin.site._registry.items():
        response = client.get(_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            assert client.get(_url(model, "change", obj.pk)).status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            assert client.get(_url(model, "add")).status_code == 200, model


@pytest.mark.django_db
def test_every_search_answers(client, full_world):
    client.force_login(full_world.operator)
    for model, model_admin in admin.site._registry.items():
        if model_admin.search_fields:
            assert client.get(_url(model, "changelist"), {"q": "Тульская 71"}).status_code == 200, model


@pytest.mark.django_db
def test_student_search_finds_by_last_name_only_the_match(client, world):
    client.force_login(world.operator)
    response = client.get(_url(Student, "changelist"), {"q": world.a.student.last_name})
    assert list(response.context["cl"].result_list) == [world.a.student]


@pytest.mark.django_db
def test_booking_search_by_student_name(client, world):
    client.force_login(world.operator)
    response = client.get(_url(Booking, "changelist"), {"q": world.b.other_student.last_name})
    assert list(response.context["cl"].result_list) == [world.b.other_booking]


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(_url(Student, "changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "navigator", "guardian", "venue_staff"])
def test_non_staff_is_redirected_and_never_sees_the_admin(client, world, who):
    client.force_login(getattr(world.a, who).user)
    response = client.get(_url(Student, "changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    followed = client.get(response["Location"])
    assert followed.status_code in (302, 403)
    assert world.a.student.last_name not in followed.content.decode()


@pytest.mark.django_db
def test_student_change_page_offers_autocomplete_not_a_select_of_every_student(client, world):
    client.force_login(world.operator)
    page = client.get(_url(Booking, "change", world.a.booking.pk)).content.decode()
    # Bookings are read-only; a guardianship's student is an autocomplete (the select holds only the chosen one).
    assert world.b.other_student.last_name not in page
    guardianship = world.a.guardian.guardianship_set.first()
    page = client.get(reverse("admin:participants_guardianship_change", args=[guardianship.pk])).content.decode()
    assert "admin-autocomplete" in page
    assert world.b.other_student.last_name not in page


@pytest.mark.django_db
@pytest.mark.parametrize("model", [PersonalDataAccess, SignInAttempt, Booking])
def test_logs_and_bookings_are_read_only(client, full_world, model):
    client.force_login(full_world.operator)
    obj = model.objects.first()
    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    page = client.get(_url(model, "change", obj.pk)).content.decode()
    assert 'name="_save"' not in page


@pytest.mark.django_db
def test_personal_data_log_filters_by_kind_and_searches_by_email(client, full_world):
    client.force_login(full_world.operator)
    PersonalDataAccess.objects.create(user=full_world.a.coordinator.user, kind="download", what="Согласие", row_count=1)
    url = _url(PersonalDataAccess, "changelist")
    by_kind = client.get(url, {"kind__exact": "download"}).context["cl"].result_list
    assert [row.what for row in by_kind] == ["Согласие"]
    by_email = client.get(url, {"q": "coordinator71@"}).context["cl"].result_list
    assert [row.user for row in by_email] == [full_world.a.coordinator.user]


def _export(client, model, fmt="0", query=""):
    url = _url(model, "export") + query
    form = client.get(url).context["form"]
    data = {"format": fmt, "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
    return client.post(url, data, REMOTE_ADDR="10.1.2.3")


@pytest.mark.django_db
def test_student_export_writes_the_personal_data_log(client, world):
    client.force_login(world.operator)
    response = _export(client, Student, query="?region__id__exact=%d" % world.a.region.pk)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Код региона", "Муниципалитет", "Школа (краткое название)")
    assert {row[3] for row in rows[1:]} == {s.last_name for s in Student.objects.filter(region=world.a.region)}
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.kind, log.scope, log.row_count, log.ip_address) == (
        world.operator, "admin_export", "все регионы", 3, "10.1.2.3"
    )
    assert log.what == f"Администрирование: {Student._meta.verbose_name_plural}" and f"region__id__exact={world.a.region.pk}" in log.query


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["participants.guardian", "participants.consent", "venues.booking",
                                        "participants.navigator", "participants.guardianship"])
def test_every_personal_data_export_is_logged(client, world, model_name):
    from django.apps import apps

    client.force_login(world.operator)
    model = apps.get_model(model_name)
    response = _export(client, model, fmt="1")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    log = PersonalDataAccess.objects.get()
    assert log.row_count == model.objects.count() > 0
    assert str(model._meta.verbose_name_plural) in log.what


@pytest.mark.django_db
def test_export_without_personal_data_writes_no_log(client, world):
    from regions.models import School

    client.force_login(world.operator)
    assert _export(client, School).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def _more_rows(world):
    """Five more rows of every big list, spread over both regions and every related record the lists show."""
    from participants.tests.factories import ConsentFactory, GuardianFactory, NavigatorFactory
    from regions.tests.factories import SchoolFactory
    from venues.tests.factories import BookingFactory, EventFactory, MentorFactory

    for i in range(5):
        side = world.a if i % 2 else world.b
        student = StudentFactory(school=side.school)
        ConsentFactory(student=student)
        GuardianFactory(children=[student])
        NavigatorFactory(school=side.other_school)
        BookingFactory(event=side.other_event, student=student)
        DiagnosticResult.objects.create(student=student, stage=1, completed_at=timezone.now())
        EventFactory(venue=side.venue, campaign=world.campaign)
        MentorFactory(region=side.region)
        SchoolFactory(municipality=side.municipality)


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", [
    "participants.student", "participants.navigator", "participants.guardian", "participants.guardianship",
    "participants.consent", "participants.diagnosticresult", "venues.booking", "venues.event", "venues.mentor",
    "regions.school", "bilet.user",
])
def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries, model_name):
    from django.apps import apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = _url(apps.get_model(model_name), "changelist")
    client.force_login(world.operator)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_rows(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["cl"].result_list) >= 5


@pytest.mark.django_db
def test_unfiltered_big_list_estimates_its_count_and_a_filtered_one_counts(client, world, require_postgres, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bilet.admin_mixins import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_student")
    client.force_login(world.operator)
    with CaptureQueriesContext(connection) as unfiltered:
        response = client.get(_url(Student, "changelist"))
    sql = " ".join(q["sql"] for q in unfiltered.captured_queries)
    assert "reltuples" in sql and 'COUNT(*) AS "__count" FROM "participants_student"' not in sql
    assert response.context["cl"].result_count == Student.objects.count()
    with CaptureQueriesContext(connection) as filtered:
        response = client.get(_url(Student, "changelist"), {"grade": "8"})
    sql = " ".join(q["sql"] for q in filtered.captured_queries)
    assert "reltuples" not in sql
    assert response.context["cl"].result_count == Student.objects.filter(grade=8).count()


@pytest.mark.django_db
def test_grade_filter_offers_the_project_grades(client, world):
    client.force_login(world.operator)
    StudentFactory(school=world.a.school, grade=11, last_name="Выпускникова")
    response = client.get(_url(Student, "changelist"), {"grade": "11"})
    assert [s.last_name for s in response.context["cl"].result_list] == ["Выпускникова"]
    assert "?grade=6" in response.content.decode()


@pytest.mark.django_db
def test_person_search_by_name_prefix_in_any_case_or_by_whole_email(client, world):
    client.force_login(world.operator)
    url = _url(Student, "changelist")
    namesake = StudentFactory(school=world.b.school, last_name=world.a.student.last_name, first_name="Другая")

    def found(q):
        return set(client.get(url, {"q": q}).context["cl"].result_list)

    last_name = world.a.student.last_name
    assert found(last_name.lower()) == {world.a.student, namesake}
    assert found(last_name[:-1]) == {world.a.student, namesake}  # «Студентова7» is the start of «Студентова71»
    assert found(f"{last_name} {world.a.student.first_name}") == {world.a.student}
    assert found("STUDENT71@test.example") == {world.a.student}
    assert found("student71@test") == set()  # an address is matched whole, never a part of everyone's
    users = client.get(_url(User, "changelist"), {"q": "Coordinator67@Test.Example"}).context["cl"].result_list
    assert list(users) == [world.b.coordinator.user]


@pytest.mark.django_db
def test_an_export_over_the_row_limit_is_refused_and_not_logged(client, world, monkeypatch):
    from bilet import admin_mixins

    monkeypatch.setattr(admin_mixins, "EXPORT_MAX_ROWS", 2)
    client.force_login(world.operator)
    response = _export(client, Student)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["В списке 6 строк, а за один раз можно выгрузить не больше 2. Сузьте его фильтрами."]
    assert not PersonalDataAccess.objects.exists()
    assert _export(client, Student, query=f"?region__id__exact={world.a.region.pk}&grade=8&q=Студентова71").status_code == 200
    assert PersonalDataAccess.objects.get().row_count == 1


@pytest.mark.django_db
def test_saving_a_navigator_or_an_event_in_the_admin_keeps_the_region_of_its_school_or_venue(client, world):
    client.force_login(world.operator)
    navigator = world.a.navigator
    response = client.post(_url(navigator.__class__, "change", navigator.pk), {
        "user": navigator.user.pk, "school": world.b.school.pk, "position": "учитель", "training_completed_on": "",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    navigator.refresh_from_db()
    assert (navigator.school, navigator.region) == (world.b.school, world.b.region)
