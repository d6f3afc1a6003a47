"""The scoping matrix: the coordinator's records and the monitoring page (issue 13 §1, §2d)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from .matrix import ROLES, user_of


# --- The coordinator's records and the monitoring page (issue 13 §1, §2d) -----------------------------------------
# Kept apart from the tables above so that branches adding to those do not collide with this one.

RECORD_KINDS = ["promotion", "training", "need"]
RECORD_LISTS = ["regions:promotion_list", "regions:training_list", "regions:need_list", "reports:monitoring"]


@pytest.fixture
def records_world(matrix_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from regions.models import MonitoringValue
    from regions.tests.factories import (
        MonitoringIndicatorFactory,
        PromotionMeasureFactory,
        TeamTrainingFactory,
        TrainingNeedFactory,
    )

    indicator = MonitoringIndicatorFactory(name="Наличие планов по профориентации")
    for w in (matrix_world.a, matrix_world.b):
        scope = {"region": w.region, "campaign": matrix_world.campaign}
        w.promotion = PromotionMeasureFactory(**scope, title=f"Статья о пробах ({w.name})")
        w.training = TeamTrainingFactory(**scope, person_name=f"Обученова ({w.name})",
                                         certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4 certificate"))
        w.need = TrainingNeedFactory(**scope, topic=f"Потребность ({w.name})")
        w.monitoring_value = MonitoringValue.objects.create(
            indicator=indicator, region=w.region, year=timezone.localdate().year, value=int(w.code) * 1001
        )
    return matrix_world


def _record_markers(w):
    value = int(w.code) * 1001  # the monitoring value: in a form field as typed, on a read-only page grouped
    return [w.region.name, w.promotion.title, w.training.person_name, w.need.topic, f'value="{value}"',
            f"{value:,}".replace(",", "\xa0")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_other_regions_records_are_404(client, records_world, role, kind):
    client.force_login(user_of(records_world, "a", role))
    record = getattr(records_world.b, kind)
    for action in ("edit", "delete"):
        url = reverse(f"regions:{kind}_{action}", args=[record.pk])
        assert client.get(url).status_code == 404, f"{role} reached {url} of region b"
        assert client.post(url, {"title": "x", "topic": "x", "person_name": "x"}).status_code == 404
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_training_certificate_is_404(client, records_world, role):
    client.force_login(user_of(records_world, "a", role))
    training = records_world.b.training
    assert client.get(reverse("regions:training_certificate", args=[training.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", RECORD_LISTS)
def test_record_lists_never_show_another_region(client, records_world, role, url_name):
    client.force_login(user_of(records_world, "a", role))
    b = records_world.b
    url = reverse(url_name)
    for query in ("", "?q=Обученова", "?q=Статья", f"?region={b.region.pk}", f"?campaign={records_world.campaign.pk}"):
        response = client.get(url + query)
        assert response.status_code in (200, 404), (url_name, query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            for marker in _record_markers(b):
                assert marker not in body, f"{role} sees {marker!r} of region b on {url_name}{query}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator"])
@pytest.mark.parametrize("url_name", RECORD_LISTS)
def test_own_region_records_are_listed(client, records_world, role, url_name):
    client.force_login(user_of(records_world, "a", role))
    body = client.get(reverse(url_name)).content.decode()
    a = records_world.a
    expected = {"regions:promotion_list": a.promotion.title, "regions:training_list": a.training.person_name,
                "regions:need_list": a.need.topic, "reports:monitoring": a.region.name}[url_name]
    assert expected in body
    if url_name == "reports:monitoring":
        assert ('value="71071"' if role == "coordinator" else "71\xa0071") in body
