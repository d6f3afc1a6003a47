import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bilet.models import PersonalDataAccess
from bilet.services import PersonalDataAccessError, personal_data_access_record


@pytest.mark.django_db
def test_record_writes_a_row(world):
    row = personal_data_access_record(
        user=world.a.coordinator.user, kind="export", what="Участники (XLSX)", scope="Тульская область",
        query="grade=8", row_count=3, ip="10.0.0.1",
    )
    row.refresh_from_db()
    assert (row.user, row.kind, row.what, row.scope, row.query, row.row_count, row.ip_address) == (
        world.a.coordinator.user, "export", "Участники (XLSX)", "Тульская область", "grade=8", 3, "10.0.0.1"
    )


@pytest.mark.django_db
def test_record_clips_long_values(world):
    row = personal_data_access_record(user=world.operator, kind="export", what="x", scope="р" * 900, query="q" * 2000)
    assert len(row.scope) == 500 and row.scope.endswith("…")
    assert len(row.query) == 1000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "print"}, "Неизвестный вид доступа к персональным данным."),
        ({"what": ""}, "Укажите, к каким персональным данным был доступ."),
        ({"row_count": -1}, "Число строк не может быть отрицательным."),
    ],
)
def test_record_refusals(world, kwargs, message):
    args = {"user": world.operator, "kind": "export", "what": "Участники", **kwargs}
    with pytest.raises(PersonalDataAccessError, match=message):
        personal_data_access_record(**args)
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_record_refuses_anonymous(world):
    with pytest.raises(PersonalDataAccessError, match="Только вошедший пользователь может получить персональные данные."):
        personal_data_access_record(user=AnonymousUser(), kind="export", what="Участники")
    assert not PersonalDataAccess.objects.exists()


# --- the log page ----------------------------------------------------------------------------------------------

PD_LOG = reverse("bilet:pd_log")


def _entry(user, days_ago=0, what="Участники (CSV)"):
    row = personal_data_access_record(user=user, kind="export", what=what, scope="Тульская область", row_count=3)
    PersonalDataAccess.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return row


@pytest.mark.django_db
def test_pd_log_only_for_operator_staff(client, world):
    _entry(world.a.coordinator.user)
    for user in (world.curator.user, world.a.coordinator.user, world.a.navigator.user, world.a.guardian.user):
        client.force_login(user)
        assert client.get(PD_LOG).status_code == 404
    client.force_login(world.operator)
    response = client.get(PD_LOG)
    assert response.status_code == 200
    body = response.content.decode()
    assert "coordinator71@test.example" in body and "Участники (CSV)" in body and "Тульская область" in body


@pytest.mark.django_db
def test_pd_log_anonymous_goes_to_login(client, world):
    response = client.get(PD_LOG)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_pd_log_filters_by_email_and_dates(client, world):
    recent = _entry(world.a.coordinator.user, days_ago=1)
    old = _entry(world.b.coordinator.user, days_ago=40)
    client.force_login(world.operator)
    rows = lambda url: {r.pk for r in client.get(url).context["page_obj"]}  # noqa: E731
    assert rows(PD_LOG + "?email=coordinator71") == {recent.pk}
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert rows(PD_LOG + f"?date_from={since}") == {recent.pk}
    assert rows(PD_LOG + f"?date_to={since}") == {old.pk}
    assert rows(PD_LOG + "?kind=download") == set()


@pytest.mark.django_db
def test_pd_log_invalid_date_is_explained(client, world):
    _entry(world.a.coordinator.user)
    client.force_login(world.operator)
    response = client.get(PD_LOG + "?date_from=31.02.2026&email=coordinator71")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Фильтр «Дата с» не применён" in body
    assert 'value="coordinator71"' in body


@pytest.mark.django_db
def test_pd_log_newest_first_and_paginated(client, world, settings):
    settings.PAGINATE_BY = 2
    entries = [_entry(world.a.coordinator.user, days_ago=n) for n in range(3)]
    client.force_login(world.operator)
    response = client.get(PD_LOG + "?email=coordinator71")
    assert [r.pk for r in response.context["page_obj"]] == [entries[0].pk, entries[1].pk]
    assert "?email=coordinator71&amp;page=2" in response.content.decode()
    assert [r.pk for r in client.get(PD_LOG + "?email=coordinator71&page=2").context["page_obj"]] == [entries[2].pk]


@pytest.mark.django_db
def test_pd_log_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.operator)
    _entry(world.a.coordinator.user)
    with django_assert_max_num_queries(10):
        client.get(PD_LOG)
    with CaptureQueriesContext(connection) as before:
        client.get(PD_LOG)
    for user in (world.b.coordinator.user, world.curator.user, world.a.navigator.user):
        _entry(user)
    with CaptureQueriesContext(connection) as after:
        client.get(PD_LOG)
    assert len(after) == len(before)


# --- page views of children's data (issue 12 §5) ------------------------------------------------------------------

def _student_page(w):
    return reverse("participants:student_detail", args=[w.a.student.pk])


def _admin_change(model, pk):
    return reverse(f"admin:participants_{model}_change", args=[pk])


# (who looks, which page, what the log says): one row per page served, whatever it shows
PAGES = [
    (lambda w: w.a.navigator.user, _student_page, "Страница участника"),
    (lambda w: w.a.coordinator.user, lambda w: reverse("participants:student_list"), "Список участников"),
    (lambda w: w.a.coordinator.user, lambda w: reverse("participants:student_list") + "?q=%D0%98%D0%B2&grade=8",
     "Список участников"),
    (lambda w: w.a.coordinator.user, lambda w: reverse("participants:navigator_detail", args=[w.a.navigator.pk]),
     "Страница навигатора с его участниками"),
    (lambda w: w.a.navigator.user, lambda w: reverse("venues:event_book_students", args=[w.a.event.pk]),
     "Список класса для записи"),
    (lambda w: w.a.venue_staff.user, lambda w: reverse("venues:event_attendance", args=[w.a.event.pk]),
     "Журнал посещаемости"),
    (lambda w: w.operator, lambda w: _admin_change("student", w.a.student.pk), "Администрирование: участник"),
    (lambda w: w.operator, lambda w: _admin_change("guardian", w.a.guardian.pk),
     "Администрирование: родитель (законный представитель)"),
    (lambda w: w.operator, lambda w: _admin_change("consent", w.a.student.consents.get().pk),
     "Администрирование: согласие на обработку ПДн"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who, page, what", PAGES)
def test_a_page_with_childrens_data_writes_one_log_row(client, world, who, page, what):
    url = page(world)
    client.force_login(who(world))
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.kind, row.what, row.query, row.ip_address, row.row_count) == (
        who(world), "view", what, url.replace("%D0%98%D0%B2", "Ив"), "198.51.100.7", 0
    )


@pytest.mark.django_db
def test_a_page_turn_of_the_student_list_is_a_view_too(client, world):
    client.force_login(world.a.coordinator.user)
    client.get(reverse("participants:student_list") + "?page=1", HTTP_HX_REQUEST="true")
    assert PersonalDataAccess.objects.get().query == "/students/?page=1"


@pytest.mark.django_db
def test_a_page_not_shown_writes_nothing(client, world):
    client.force_login(world.b.navigator.user)
    assert client.get(_student_page(world)).status_code == 404  # another region's child
    client.force_login(world.operator)
    assert client.get(_admin_change("student", 99999999)).status_code == 302  # the admin's "no such record"
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_the_log_names_the_client_behind_the_proxy_not_the_proxy(client, world, settings):
    """The sign-in limits' rule (TRUSTED_PROXY_COUNT): the client is in X-Forwarded-For, REMOTE_ADDR is nginx."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(world.a.navigator.user)
    behind_nginx = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    client.get(_student_page(world), **behind_nginx)
    client.get(reverse("participants:student_export_csv"), **behind_nginx)
    assert sorted(PersonalDataAccess.objects.values_list("kind", "ip_address")) == [
        ("export", "203.0.113.9"), ("view", "203.0.113.9"),
    ]


@pytest.mark.django_db
def test_the_log_page_shows_views_without_a_row_count(client, world):
    client.force_login(world.a.navigator.user)
    client.get(_student_page(world))
    client.force_login(world.operator)
    body = client.get(PD_LOG + "?kind=view").content.decode()
    assert "просмотр страницы" in body and "Страница участника" in body and 'class="num">—<' in body
