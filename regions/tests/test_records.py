"""The coordinator's records (issue 13 §1): the services' rules and refusals, and every page for the owner, an
assigned curator (read-only), a curator of another region, another region's coordinator and the families."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from regions.models import PromotionMeasure, TeamRole, TeamTraining, TrainingNeed
from regions.services import (
    RecordError,
    promotion_measure_create,
    promotion_measure_delete,
    promotion_measure_update,
    team_training_create,
    team_training_delete,
    team_training_update,
    training_need_create,
    training_need_update,
)
from regions.tests.factories import (
    CampaignFactory,
    CuratorFactory,
    PromotionMeasureFactory,
    TeamTrainingFactory,
    TrainingNeedFactory,
    UserFactory,
)
from regions.validators import CERTIFICATE_MAX_BYTES

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
ONLY_COORDINATOR = "Изменять записи региона может только его региональный координатор."
NOT_YET = "Эта дата ещё не наступила: внесите запись, когда событие состоится."
WRONG_TYPE = "Сертификат должен быть файлом PDF, JPEG или PNG, а этот файл — другого типа."
TOO_LARGE = "Файл больше 10 МБ: приложите скан поменьше или PDF."


def today():
    return timezone.localdate()


def _pdf(name="certificate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _campaign_message(campaign, subject="Дата должна"):
    return f"{subject} входить в сроки кампании «{campaign.name}»"


# --- services: promotion measures ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_promotion_create_keeps_the_record_with_its_author(world):
    coordinator = world.a.coordinator.user
    measure = promotion_measure_create(
        actor=coordinator, region=world.a.region, campaign=world.campaign, kind=PromotionMeasure.Kind.SOCIAL_POST,
        held_on=today(), title="Пост о пробах", link="https://vk.com/wall-1_2", reach=350,
    )
    measure.refresh_from_db()
    assert (measure.region, measure.campaign, measure.created_by, measure.reach) == (
        world.a.region, world.campaign, coordinator, 350
    )
    assert measure.get_kind_display() == "пост в социальной сети"


@pytest.mark.django_db
@pytest.mark.parametrize("days,expected", [(1, NOT_YET), (-61, "campaign"), (121, NOT_YET)])
def test_promotion_date_is_a_past_day_of_the_campaign(world, days, expected):
    with pytest.raises(RecordError) as caught:
        promotion_measure_create(
            actor=world.a.coordinator.user, region=world.a.region, campaign=world.campaign,
            kind=PromotionMeasure.Kind.EVENT, held_on=today() + dt.timedelta(days=days), title="Встреча",
        )
    message = _campaign_message(world.campaign) if expected == "campaign" else expected
    assert caught.value.message.startswith(message)
    assert caught.value.field == "held_on"
    assert not PromotionMeasure.objects.exists()


@pytest.mark.django_db
def test_promotion_reach_cannot_be_negative(world):
    with pytest.raises(RecordError) as caught:
        promotion_measure_create(
            actor=world.a.coordinator.user, region=world.a.region, campaign=world.campaign,
            kind=PromotionMeasure.Kind.BROADCAST, held_on=today(), title="Рассылка", reach=-1,
        )
    assert (caught.value.message, caught.value.field) == ("Охват не может быть отрицательным.", "reach")


@pytest.mark.django_db
def test_promotion_link_is_checked_by_model_validation(world):
    with pytest.raises(RecordError) as caught:
        promotion_measure_create(
            actor=world.a.coordinator.user, region=world.a.region, campaign=world.campaign,
            kind=PromotionMeasure.Kind.PUBLICATION, held_on=today(), title="Статья", link="не ссылка",
        )
    assert caught.value.field == "link"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["curator", "coordinator_b", "navigator"])
def test_only_the_regions_coordinator_writes_its_records(world, who):
    actor = {"curator": world.curator.user, "coordinator_b": world.b.coordinator.user,
             "navigator": world.a.navigator.user}[who]
    with pytest.raises(RecordError) as caught:
        promotion_measure_create(
            actor=actor, region=world.a.region, campaign=world.campaign, kind=PromotionMeasure.Kind.EVENT,
            held_on=today(), title="Встреча",
        )
    assert caught.value.message == ONLY_COORDINATOR
    measure = PromotionMeasureFactory(region=world.a.region, campaign=world.campaign)
    with pytest.raises(RecordError, match=ONLY_COORDINATOR):
        promotion_measure_update(actor=actor, measure=measure, title="Чужая правка")
    with pytest.raises(RecordError, match=ONLY_COORDINATOR):
        promotion_measure_delete(actor=actor, measure=measure)
    measure.refresh_from_db()
    assert measure.title != "Чужая правка"


@pytest.mark.django_db
def test_operator_staff_write_any_regions_records(world):
    measure = promotion_measure_create(
        actor=world.operator, region=world.b.region, campaign=world.campaign, kind=PromotionMeasure.Kind.EVENT,
        held_on=today(), title="Встреча",
    )
    promotion_measure_update(actor=world.operator, measure=measure, reach=10)
    assert PromotionMeasure.objects.get().reach == 10
    promotion_measure_delete(actor=world.operator, measure=measure)
    assert not PromotionMeasure.objects.exists()


@pytest.mark.django_db
def test_promotion_update_checks_the_rules_again_and_keeps_the_region(world):
    measure = PromotionMeasureFactory(region=world.a.region, campaign=world.campaign)
    promotion_measure_update(actor=world.a.coordinator.user, measure=measure, title="Новое название", reach=None)
    measure.refresh_from_db()
    assert (measure.title, measure.reach) == ("Новое название", None)
    with pytest.raises(RecordError, match="ещё не наступила"):
        promotion_measure_update(actor=world.a.coordinator.user, measure=measure,
                                 held_on=today() + dt.timedelta(days=3))
    with pytest.raises(TypeError):
        promotion_measure_update(actor=world.a.coordinator.user, measure=measure, region=world.b.region)


@pytest.mark.django_db
def test_a_record_of_another_campaign_is_dated_within_that_campaign(world):
    past = CampaignFactory(name="Кампания 2025", year=2025, is_active=False,
                           starts_on=dt.date(2025, 4, 1), ends_on=dt.date(2025, 12, 12))
    measure = promotion_measure_create(
        actor=world.a.coordinator.user, region=world.a.region, campaign=past, kind=PromotionMeasure.Kind.EVENT,
        held_on=dt.date(2025, 5, 20), title="Родительское собрание",
    )
    assert measure.campaign == past
    with pytest.raises(RecordError) as caught:
        promotion_measure_update(actor=world.a.coordinator.user, measure=measure, held_on=dt.date(2026, 1, 10))
    assert caught.value.message == (
        "Дата должна входить в сроки кампании «Кампания 2025» (с 1 апреля 2025 г. по 12 декабря 2025 г.)."
    )


# --- services: team training and its certificate -------------------------------------------------------------------


def _training(world, actor=None, **overrides):
    fields = {"actor": actor or world.a.coordinator.user, "region": world.a.region, "campaign": world.campaign,
              "person_name": "Иванова Ольга Петровна", "role": TeamRole.NAVIGATOR, "course": "Навигатор профессий",
              "format": TeamTraining.Format.COURSE, "completed_on": today() - dt.timedelta(days=1), **overrides}
    return team_training_create(**fields)


@pytest.mark.django_db
def test_training_with_a_pdf_certificate(world):
    training = _training(world, certificate=_pdf())
    training.refresh_from_db()
    assert training.certificate.name.startswith("training-certificates/")
    assert training.certificate.read() == PDF
    assert training.get_role_display() == "педагог-навигатор" and training.get_format_display() == "курс"


@pytest.mark.django_db
def test_training_completion_date_rules(world):
    with pytest.raises(RecordError) as caught:
        _training(world, completed_on=today() + dt.timedelta(days=1))
    assert (caught.value.message, caught.value.field) == (NOT_YET, "completed_on")
    with pytest.raises(RecordError, match="сроки кампании"):
        _training(world, completed_on=world.campaign.starts_on - dt.timedelta(days=1))


@pytest.mark.django_db
@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("certificate.pdf", EXE, content_type="application/pdf"), WRONG_TYPE),
    (SimpleUploadedFile("photo.png", b"just some text, not an image", content_type="image/png"), WRONG_TYPE),
    (SimpleUploadedFile("big.pdf", PDF + b"0" * CERTIFICATE_MAX_BYTES, content_type="application/pdf"), TOO_LARGE),
])
def test_certificate_refused_by_content_and_size(world, upload, message):
    with pytest.raises(RecordError) as caught:
        _training(world, certificate=upload)
    assert (caught.value.message, caught.value.field) == (message, "certificate")
    assert not TeamTraining.objects.exists()


@pytest.mark.django_db
def test_certificate_of_exactly_10_mb_is_accepted(world):
    content = PNG + b"\x00" * (CERTIFICATE_MAX_BYTES - len(PNG))
    training = _training(world, certificate=SimpleUploadedFile("scan.png", content, content_type="image/png"))
    assert training.certificate.size == CERTIFICATE_MAX_BYTES


@pytest.mark.django_db
def test_replacing_and_removing_the_certificate_deletes_the_old_file(world, django_capture_on_commit_callbacks):
    training = _training(world, certificate=_pdf("first.pdf"))
    storage, first = training.certificate.storage, training.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        team_training_update(actor=world.a.coordinator.user, training=training, certificate=_pdf("second.pdf"))
    second = TeamTraining.objects.get().certificate.name
    assert not storage.exists(first) and storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        team_training_update(actor=world.a.coordinator.user, training=training, certificate=None)
    assert not TeamTraining.objects.get().certificate and not storage.exists(second)


@pytest.mark.django_db
def test_an_unchanged_certificate_stays(world, django_capture_on_commit_callbacks):
    training = _training(world, certificate=_pdf())
    stored = training.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        team_training_update(actor=world.a.coordinator.user, training=training, course="Другой курс",
                             certificate=training.certificate)
    training.refresh_from_db()
    assert training.certificate.name == stored and training.certificate.storage.exists(stored)


@pytest.mark.django_db
def test_deleting_a_training_deletes_its_certificate(world, django_capture_on_commit_callbacks):
    training = _training(world, certificate=_pdf())
    storage, name = training.certificate.storage, training.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        team_training_delete(actor=world.a.coordinator.user, training=training)
    assert not TeamTraining.objects.exists() and not storage.exists(name)


# --- services: training needs ----------------------------------------------------------------------------------------


def _need(world, **overrides):
    fields = {"actor": world.a.coordinator.user, "region": world.a.region, "campaign": world.campaign,
              "topic": "Работа с родителями", "audience": TeamRole.SCHOOL_HEAD, "people_count": 5,
              "wished_month": today(), **overrides}
    return training_need_create(**fields)


@pytest.mark.django_db
def test_training_need_month_is_its_first_day(world):
    need = _need(world, wished_month=today().replace(day=17) if today().day < 17 else today())
    need.refresh_from_db()
    assert need.wished_month == today().replace(day=1)
    assert need.get_audience_display() == "руководитель ОО"


@pytest.mark.django_db
def test_training_need_is_for_at_least_one_person(world):
    with pytest.raises(RecordError) as caught:
        _need(world, people_count=0)
    assert (caught.value.message, caught.value.field) == (
        "Потребность в обучении указывается хотя бы для одного человека.", "people_count"
    )


@pytest.mark.django_db
def test_training_need_month_within_the_campaign(world):
    before = world.campaign.starts_on.replace(day=1) - dt.timedelta(days=1)
    with pytest.raises(RecordError) as caught:
        _need(world, wished_month=before)
    assert caught.value.message.startswith(_campaign_message(world.campaign, "Месяц должен"))
    assert caught.value.field == "wished_month"
    # The campaign's first month counts even when the campaign starts mid-month; a future month is a plan.
    assert _need(world, wished_month=world.campaign.starts_on).wished_month == world.campaign.starts_on.replace(day=1)
    later = world.campaign.ends_on.replace(day=1)
    need = _need(world, wished_month=later)
    with pytest.raises(RecordError, match="Месяц должен"):
        training_need_update(actor=world.a.coordinator.user, need=need,
                             wished_month=world.campaign.ends_on + dt.timedelta(days=31))


# --- pages ---------------------------------------------------------------------------------------------------------

KINDS = {
    "promotion": SimpleNamespace(factory=PromotionMeasureFactory, model=PromotionMeasure, text="title"),
    "training": SimpleNamespace(factory=TeamTrainingFactory, model=TeamTraining, text="person_name"),
    "need": SimpleNamespace(factory=TrainingNeedFactory, model=TrainingNeed, text="topic"),
}


def _records(world, slug):
    """One record of `slug` in each region."""
    factory = KINDS[slug].factory
    return (factory(region=world.a.region, campaign=world.campaign),
            factory(region=world.b.region, campaign=world.campaign))


def _user(world, who):
    if who == "curator_b":
        return CuratorFactory(user=UserFactory(email="curatorb@test.example"), regions=[world.b.region]).user
    return {"owner": world.a.coordinator.user, "curator": world.curator.user, "coordinator_b": world.b.coordinator.user,
            "operator": world.operator, "navigator": world.a.navigator.user, "student": world.a.student.user,
            "guardian": world.a.guardian.user, "venue_staff": world.a.venue_staff.user,
            "mentor": world.a.mentor.user}[who]


def _text(record, slug):
    return getattr(record, KINDS[slug].text)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
@pytest.mark.parametrize("who,sees_a,sees_b,edits", [
    ("owner", True, False, True),
    ("curator", True, False, False),
    ("curator_b", False, True, False),
    ("coordinator_b", False, True, True),
    ("operator", True, True, True),
])
def test_list_shows_the_records_in_scope(client, world, slug, who, sees_a, sees_b, edits):
    a, b = _records(world, slug)
    client.force_login(_user(world, who))
    response = client.get(reverse(f"regions:{slug}_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert (_text(a, slug) in body, _text(b, slug) in body) == (sees_a, sees_b)
    mine = a if sees_a else b
    assert (reverse(f"regions:{slug}_edit", args=[mine.pk]) in body) == edits
    assert (reverse(f"regions:{slug}_create") in body) == (who in ("owner", "coordinator_b", "operator"))


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
@pytest.mark.parametrize("who", ["navigator", "student", "guardian", "venue_staff", "mentor"])
def test_families_venues_and_navigators_get_404_everywhere(client, world, slug, who):
    a, _b = _records(world, slug)
    client.force_login(_user(world, who))
    for url in (reverse(f"regions:{slug}_list"), reverse(f"regions:{slug}_create"),
                reverse(f"regions:{slug}_edit", args=[a.pk]), reverse(f"regions:{slug}_delete", args=[a.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse(f"regions:{slug}_delete", args=[a.pk])).status_code == 404
    assert KINDS[slug].model.objects.filter(pk=a.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
def test_anonymous_users_are_sent_to_sign_in(client, world, slug):
    a, _b = _records(world, slug)
    for url in (reverse(f"regions:{slug}_list"), reverse(f"regions:{slug}_edit", args=[a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
@pytest.mark.parametrize("who,status", [
    ("owner", 200), ("operator", 200), ("curator", 403), ("curator_b", 404), ("coordinator_b", 404),
])
def test_edit_and_delete_pages_by_role(client, world, slug, who, status):
    a, _b = _records(world, slug)
    client.force_login(_user(world, who))
    assert client.get(reverse(f"regions:{slug}_edit", args=[a.pk])).status_code == status
    assert client.get(reverse(f"regions:{slug}_delete", args=[a.pk])).status_code == status
    if status != 200:
        assert client.post(reverse(f"regions:{slug}_delete", args=[a.pk])).status_code == status
        assert client.post(reverse(f"regions:{slug}_edit", args=[a.pk]), {}).status_code == status
        assert KINDS[slug].model.objects.filter(pk=a.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
@pytest.mark.parametrize("who,status", [("owner", 200), ("operator", 200), ("curator", 403), ("curator_b", 403)])
def test_create_page_by_role(client, world, slug, who, status):
    client.force_login(_user(world, who))
    assert client.get(reverse(f"regions:{slug}_create")).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
def test_owner_deletes_after_confirmation(client, world, slug):
    a, b = _records(world, slug)
    client.force_login(world.a.coordinator.user)
    page = client.get(reverse(f"regions:{slug}_delete", args=[a.pk]))
    assert "Отчёты перестанут её учитывать" in page.content.decode()
    response = client.post(reverse(f"regions:{slug}_delete", args=[a.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(f"regions:{slug}_list")
    assert list(KINDS[slug].model.objects.values_list("pk", flat=True)) == [b.pk]


PROMOTION_POST = {"kind": "publication", "title": "Статья в «Тульских известиях»", "link": "tula-news.ru/bilet",
                  "reach": "5400"}


@pytest.mark.django_db
def test_owner_creates_and_edits_a_promotion_measure(client, world):
    client.force_login(world.a.coordinator.user)
    data = {**PROMOTION_POST, "campaign": world.campaign.pk, "held_on": today().isoformat()}
    response = client.post(reverse("regions:promotion_create"), data)
    assert response.status_code == 302
    measure = PromotionMeasure.objects.get()
    assert (measure.region, measure.link, measure.reach) == (world.a.region, "https://tula-news.ru/bilet", 5400)
    response = client.post(reverse("regions:promotion_edit", args=[measure.pk]), {**data, "reach": "6000"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.reach == 6000
    assert "Мероприятие по продвижению сохранено." in client.get(reverse("regions:promotion_list")).content.decode()


@pytest.mark.django_db
def test_a_refused_rule_shows_on_its_field(client, world):
    client.force_login(world.a.coordinator.user)
    data = {**PROMOTION_POST, "campaign": world.campaign.pk,
            "held_on": (today() + dt.timedelta(days=2)).isoformat()}
    response = client.post(reverse("regions:promotion_create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert NOT_YET in body and 'id="id_held_on_error"' in body and 'aria-invalid="true"' in body
    assert not PromotionMeasure.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_of_two_regions_chooses_the_region(client, world):
    from regions.tests.factories import CoordinatorFactory

    CoordinatorFactory(user=world.a.coordinator.user, region=world.b.region)
    client.force_login(world.a.coordinator.user)
    form = client.get(reverse("regions:promotion_create")).context["form"]
    assert set(form.fields["region"].queryset) == {world.a.region, world.b.region}
    data = {**PROMOTION_POST, "campaign": world.campaign.pk, "held_on": today().isoformat(),
            "region": world.b.region.pk}
    assert client.post(reverse("regions:promotion_create"), data).status_code == 302
    assert PromotionMeasure.objects.get().region == world.b.region


@pytest.mark.django_db
def test_a_coordinator_of_one_region_is_not_asked_for_it(client, world):
    client.force_login(world.a.coordinator.user)
    assert "region" not in client.get(reverse("regions:need_create")).context["form"].fields


@pytest.mark.django_db
def test_owner_creates_a_training_need_by_month(client, world):
    client.force_login(world.a.coordinator.user)
    data = {"campaign": world.campaign.pk, "topic": "Инклюзивные пробы", "audience": "teacher", "people_count": "8",
            "wished_month": today().strftime("%Y-%m")}
    assert client.post(reverse("regions:need_create"), data).status_code == 302
    need = TrainingNeed.objects.get()
    assert (need.wished_month, need.people_count, need.created_by) == (
        today().replace(day=1), 8, world.a.coordinator.user
    )
    page = client.get(reverse("regions:need_edit", args=[need.pk])).content.decode()
    assert f'value="{today():%Y-%m}"' in page


def _training_post(world, certificate=None):
    data = {"campaign": world.campaign.pk, "person_name": "Петров Пётр", "role": "teacher",
            "course": "Профессиональные пробы", "format": "webinar", "completed_on": today().isoformat()}
    if certificate is not None:
        data["certificate"] = certificate
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("certificate.pdf", EXE, content_type="application/pdf"), WRONG_TYPE),
    (SimpleUploadedFile("certificate.exe", EXE, content_type="application/octet-stream"), WRONG_TYPE),
    (SimpleUploadedFile("big.pdf", PDF + b"0" * CERTIFICATE_MAX_BYTES, content_type="application/pdf"), TOO_LARGE),
])
def test_certificate_upload_refused_on_the_page(client, world, upload, message):
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("regions:training_create"), _training_post(world, upload))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TeamTraining.objects.exists()


@pytest.mark.django_db
def test_certificate_uploaded_kept_and_cleared_through_the_page(client, world):
    client.force_login(world.a.coordinator.user)
    assert client.post(reverse("regions:training_create"), _training_post(world, _pdf())).status_code == 302
    training = TeamTraining.objects.get()
    stored = training.certificate.name
    edit = reverse("regions:training_edit", args=[training.pk])
    page = client.get(edit).content.decode()
    assert stored.rsplit("/", 1)[-1] in page and "/media/" not in page
    assert reverse("regions:training_certificate", args=[training.pk]) in page
    # Saved again without a new file: the certificate stays.
    assert client.post(edit, {**_training_post(world), "course": "Другой курс"}).status_code == 302
    training.refresh_from_db()
    assert training.certificate.name == stored and training.course == "Другой курс"
    assert client.post(edit, {**_training_post(world), "certificate-clear": "on"}).status_code == 302
    training.refresh_from_db()
    assert not training.certificate


@pytest.mark.django_db
@pytest.mark.parametrize("who,status", [
    ("owner", 200), ("curator", 200), ("operator", 200), ("curator_b", 404), ("coordinator_b", 404),
    ("navigator", 404), ("student", 404),
])
def test_certificate_download_is_scoped(client, world, who, status):
    training = TeamTrainingFactory(region=world.a.region, campaign=world.campaign,
                                   certificate=SimpleUploadedFile("c.pdf", PDF))
    client.force_login(_user(world, who))
    response = client.get(reverse("regions:training_certificate", args=[training.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_a_training_without_certificate_has_no_download(client, world):
    training = TeamTrainingFactory(region=world.a.region, campaign=world.campaign)
    client.force_login(world.a.coordinator.user)
    assert client.get(reverse("regions:training_certificate", args=[training.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
def test_list_filters_by_campaign_and_kind(client, world, slug):
    other = CampaignFactory(name="Кампания 2025", year=2025, is_active=False,
                            starts_on=dt.date(2025, 4, 1), ends_on=dt.date(2025, 12, 12))
    factory = KINDS[slug].factory
    current = factory(region=world.a.region, campaign=world.campaign)
    old = factory(region=world.a.region, campaign=other)
    client.force_login(world.a.coordinator.user)
    url = reverse(f"regions:{slug}_list")
    rows = client.get(url, {"campaign": other.pk}).context["page_obj"].object_list
    assert [r.pk for r in rows] == [old.pk]
    choice = {"promotion": ("kind", "publication"), "training": ("role", "navigator"), "need": ("audience", "teacher")}
    name, value = choice[slug]
    rows = client.get(url, {name: value, "campaign": world.campaign.pk}).context["page_obj"].object_list
    assert [r.pk for r in rows] == [current.pk]


@pytest.mark.django_db
def test_curator_of_two_regions_filters_by_region(client, world):
    world.curator.regions.add(world.b.region)
    a, b = _records(world, "promotion")
    client.force_login(world.curator.user)
    url = reverse("regions:promotion_list")
    response = client.get(url, {"region": world.b.region.pk})
    assert [r.pk for r in response.context["page_obj"].object_list] == [b.pk]
    assert set(response.context["form"].fields["region"].queryset) == {world.a.region, world.b.region}


@pytest.mark.django_db
@pytest.mark.parametrize("slug", KINDS)
@pytest.mark.parametrize("who", ["owner", "curator", "operator"])
def test_list_query_count_is_pinned(client, world, slug, who, django_assert_num_queries):
    factory = KINDS[slug].factory
    factory(region=world.a.region, campaign=world.campaign)
    client.force_login(_user(world, who))
    url = reverse(f"regions:{slug}_list")
    client.get(url)
    expected = {"owner": 7, "curator": 7, "operator": 8}[who]  # with the navigation bar's unread notifications
    with django_assert_num_queries(expected):
        client.get(url)
    factory.create_batch(5, region=world.a.region, campaign=world.campaign)
    with django_assert_num_queries(expected):
        assert len(client.get(url).context["page_obj"].object_list) == 6


@pytest.mark.django_db
def test_a_certificate_is_stored_under_the_type_it_holds(world):
    training = _training(world, certificate=SimpleUploadedFile("скан.pdf", PNG, content_type="application/pdf"))
    assert training.certificate.name.endswith(".png")


@pytest.mark.django_db
def test_list_filters_by_dates_for_a_figures_drill_down(client, world):
    early = PromotionMeasureFactory(region=world.a.region, campaign=world.campaign,
                                    held_on=today() - dt.timedelta(days=40))
    late = PromotionMeasureFactory(region=world.a.region, campaign=world.campaign, held_on=today())
    client.force_login(world.a.coordinator.user)
    url = reverse("regions:promotion_list")
    until = (today() - dt.timedelta(days=1)).isoformat()
    assert [r.pk for r in client.get(url, {"until": until}).context["page_obj"].object_list] == [early.pk]
    assert [r.pk for r in client.get(url, {"since": until}).context["page_obj"].object_list] == [late.pk]
    response = client.get(url, {"until": "не дата"})
    assert response.context["listing"].problems  # a date that is not one is reported, not applied
