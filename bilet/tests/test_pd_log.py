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
