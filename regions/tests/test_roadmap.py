"""The region's roadmap (issue 15 §2): the services' rules and refusals, the page by section with its filters for the
coordinator (who writes) and the readers (curator, operator staff), the files, and the home pages' overdue items."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from regions.models import RoadmapItem
from regions.services import RecordError
from regions.services.roadmap import (
    ItemText,
    RoadmapRefused,
    roadmap_import,
    roadmap_item_create,
    roadmap_item_delete,
    roadmap_item_update,
)
from regions.tests.factories import CampaignFactory, CuratorFactory, UserFactory

Status = RoadmapItem.Status
ONLY_COORDINATOR = "Изменять дорожную карту региона может только его региональный координатор."


def _day(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d.%m.%Y")


def _add(world, number, activity="Мероприятие", period=None, *, side="a", campaign=None, **fields):
    w = getattr(world, side)
    text = ItemText(number=number, activity=activity, period=_day(30) if period is None else period, **fields)
    return roadmap_item_create(actor=w.coordinator.user, region=w.region, campaign=campaign or world.campaign,
                               item=text)


@pytest.fixture
def roadmap(world):
    """Region a's roadmap: two sections, an item past its period, one done, one cancelled, one ahead."""
    world.items = {
        "1": _add(world, "1", "Организационное обеспечение", ""),
        "1.1": _add(world, "1.1", "Соглашение с министерством", _day(-3), responsible="Министерство,\nоператор"),
        "1.2": _add(world, "1.2", "Отбор площадок", _day(-3), status=Status.DONE),
        "1.10": _add(world, "1.10", "Обучение наставников", _day(-40), status=Status.CANCELLED),
        "2": _add(world, "2", "Информационное сопровождение", _day(-10), status=Status.IN_PROGRESS),
        "2.1": _add(world, "2.1", "Публикации в СМИ", "В течение кампании", expected_result="Публикации"),
    }
    world.foreign = _add(world, "1.1", "Чужое мероприятие региона b", _day(-3), side="b")
    return world


# --- services ------------------------------------------------------------------------------------------------------


def test_an_item_is_kept_with_a_structured_period_and_its_author(world):
    item = _add(world, "2.1.", "Семинар для площадок", "Июнь – август 2026, ежемесячно", responsible="Оператор")
    item.refresh_from_db()
    assert (item.number, item.sort_key) == ("2.1", "002.001")
    assert (item.period_kind, item.period_start, item.period_end, item.period_recurrence) == (
        "months", dt.date(2026, 6, 1), dt.date(2026, 8, 31), "monthly")
    assert item.period_text == "Июнь – август 2026, ежемесячно"
    assert item.created_by == world.a.coordinator.user and item.status == Status.PLANNED


def test_a_heading_has_no_period_and_no_status_of_its_own(world):
    heading = _add(world, "3", "Научно-методическое обеспечение", "", status=Status.DONE)
    assert heading.is_heading and heading.status == Status.PLANNED and heading.period is None
    assert not heading.is_overdue(timezone.localdate() + dt.timedelta(days=1000))


def test_every_problem_of_an_item_is_said_at_once(world):
    with pytest.raises(RoadmapRefused) as refused:
        _add(world, "2,1", "  ", "когда-нибудь")
    assert [(e.field, e.message[:30]) for e in refused.value.errors] == [
        ("number", "«2,1» — не номер пункта: пишит"), ("activity", "Укажите мероприятие."),
        ("period", "Срок «когда-нибудь» не распозн")]
    assert not RoadmapItem.objects.exists()


def test_an_item_below_a_section_needs_a_period(world):
    with pytest.raises(RecordError) as refused:
        _add(world, "2.1", period="")
    assert refused.value.message == "Укажите срок: без срока бывает только заголовок раздела (номер без точки)."


def test_a_number_is_unique_within_the_regions_roadmap_for_the_campaign(roadmap):
    with pytest.raises(RecordError) as refused:
        _add(roadmap, "1.1.")
    assert (refused.value.field, refused.value.message) == ("number", "Пункт 1.1 уже есть в этой дорожной карте.")
    other_campaign = CampaignFactory(is_active=False, name="Кампания следующего года")
    assert _add(roadmap, "1.1", campaign=other_campaign).number == "1.1"


def test_an_update_keeps_its_own_number_and_reads_the_period_again(roadmap):
    item = roadmap.items["1.1"]
    roadmap_item_update(actor=roadmap.a.coordinator.user, roadmap_item=item, item=ItemText(
        number="1.1", activity="Соглашение подписано", period=_day(-3), status=Status.DONE, comment="Подписано"))
    item.refresh_from_db()
    assert (item.activity, item.status, item.comment) == ("Соглашение подписано", Status.DONE, "Подписано")
    with pytest.raises(RecordError) as refused:
        roadmap_item_update(actor=roadmap.a.coordinator.user, roadmap_item=item,
                            item=ItemText(number="1.2", activity="x", period=_day(1)))
    assert refused.value.message == "Пункт 1.2 уже есть в этой дорожной карте."


@pytest.mark.parametrize("who", ["curator", "operator", "other_coordinator"])
def test_only_the_regions_coordinator_writes_its_roadmap(roadmap, who):
    actor = {"curator": roadmap.curator.user, "operator": roadmap.operator,
             "other_coordinator": roadmap.b.coordinator.user}[who]
    item = roadmap.items["1.1"]
    for write in (
        lambda: roadmap_item_create(actor=actor, region=roadmap.a.region, campaign=roadmap.campaign,
                                    item=ItemText(number="5", activity="x")),
        lambda: roadmap_item_update(actor=actor, roadmap_item=item, item=ItemText(number="1.1", activity="x",
                                                                                  period=_day(1))),
        lambda: roadmap_item_delete(actor=actor, roadmap_item=item),
    ):
        with pytest.raises(RecordError) as refused:
            write()
        assert refused.value.message == ONLY_COORDINATOR
    item.refresh_from_db()
    assert item.activity == "Соглашение с министерством"


def test_past_its_period_means_open_and_ended_before_today(roadmap):
    today = timezone.localdate()
    overdue = {n for n, i in roadmap.items.items() if i.is_overdue(today)}
    assert overdue == {"1.1", "2"}  # done, cancelled, ahead and the heading are not


# --- the page -------------------------------------------------------------------------------------------------------


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("regions:roadmap_list"), params)


def test_the_coordinator_reads_the_roadmap_by_section_with_its_marks(client, roadmap):
    response = _page(client, roadmap.a.coordinator.user)
    assert response.status_code == 200
    sections = response.context["sections"]
    assert [(s.number, s.title, [i.number for i in s.items]) for s in sections] == [
        (1, "Организационное обеспечение", ["1.1", "1.2", "1.10"]),
        (2, "Информационное сопровождение", ["2.1"]),
    ]
    assert response.context["counts"] == {"total": 5, "done": 1, "in_progress": 1, "overdue": 2}
    body = response.content.decode()
    assert body.count("срок прошёл") == 2 and "Министерство,<br>оператор" in body
    assert reverse("regions:roadmap_edit", args=[roadmap.items["1.1"].pk]) in body
    assert reverse("regions:roadmap_import") in body and "Чужое мероприятие" not in body


@pytest.mark.parametrize("params,shown", [
    ({"status": "done"}, {1: ["1.2"]}),
    ({"overdue": "on"}, {1: ["1.1"], 2: []}),  # section 2's own row is overdue, its item is not
    ({"status": "cancelled", "overdue": "on"}, {}),
])
def test_the_filters_keep_the_sections_of_what_matches(client, roadmap, params, shown):
    response = _page(client, roadmap.a.coordinator.user, **params)
    assert {s.number: [i.number for i in s.items] for s in response.context["sections"]} == shown


def test_the_filter_forms_htmx_request_gets_the_results_alone(client, roadmap):
    client.force_login(roadmap.a.coordinator.user)
    response = client.get(reverse("regions:roadmap_list"), {"overdue": "on"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith("<section id=\"results\"") and "<html" not in body
    assert "Соглашение с министерством" in body and "Отбор площадок" not in body
    assert "HX-Request" in response["Vary"]


def test_a_bad_filter_is_said_and_the_roadmap_shown(client, roadmap):
    response = _page(client, roadmap.a.coordinator.user, status="someday")
    assert response.status_code == 200
    assert "Фильтр «Статус» не применён" in response.content.decode()
    assert len(response.context["sections"]) == 2


@pytest.mark.parametrize("who", ["curator", "operator"])
def test_readers_read_it_without_the_coordinators_links(client, roadmap, who):
    user = roadmap.curator.user if who == "curator" else roadmap.operator
    response = _page(client, user, region=roadmap.a.region.pk)
    body = response.content.decode()
    assert response.status_code == 200 and "Соглашение с министерством" in body
    assert reverse("regions:roadmap_edit", args=[roadmap.items["1.1"].pk]) not in body
    assert reverse("regions:roadmap_create") not in body and reverse("regions:roadmap_import") not in body
    assert reverse("regions:roadmap_xlsx") in body
    for url in (reverse("regions:roadmap_create"), reverse("regions:roadmap_edit", args=[roadmap.items["1.1"].pk]),
                reverse("regions:roadmap_delete", args=[roadmap.items["1.1"].pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("regions:roadmap_delete", args=[roadmap.items["1.1"].pk])).status_code == 403
    assert RoadmapItem.objects.filter(pk=roadmap.items["1.1"].pk).exists()


def test_the_operator_chooses_among_every_region(client, roadmap):
    response = _page(client, roadmap.operator, region=roadmap.b.region.pk)
    assert "Чужое мероприятие региона b" in response.content.decode()


@pytest.mark.parametrize("who", ["other_coordinator", "other_curator", "navigator", "venue_staff", "mentor",
                                 "guardian", "student"])
def test_outsiders_get_404(client, roadmap, who):
    users = {
        "other_coordinator": roadmap.b.coordinator.user,
        "other_curator": CuratorFactory(user=UserFactory(), regions=[roadmap.b.region]).user,
        "navigator": roadmap.a.navigator.user, "venue_staff": roadmap.a.venue_staff.user,
        "mentor": roadmap.a.mentor.user, "guardian": roadmap.a.guardian.user, "student": roadmap.a.student.user,
    }
    client.force_login(users[who])
    item = roadmap.items["1.1"]
    query = {"region": roadmap.a.region.pk}
    for url in (reverse("regions:roadmap_list"), reverse("regions:roadmap_xlsx"), reverse("regions:roadmap_pdf")):
        assert client.get(url, query).status_code == 404, url
    for name in ("regions:roadmap_edit", "regions:roadmap_delete"):
        assert client.get(reverse(name, args=[item.pk])).status_code == 404
        assert client.post(reverse(name, args=[item.pk]), {"number": "9"}).status_code == 404
    assert RoadmapItem.objects.get(pk=item.pk).number == "1.1"


def test_a_campaign_that_does_not_exist_is_404(client, roadmap):
    for value in ("999999", "abc", "99999999999999999999"):
        assert _page(client, roadmap.a.coordinator.user, campaign=value).status_code == 404


def test_the_list_costs_the_same_whatever_its_length(client, roadmap, django_assert_num_queries):
    client.force_login(roadmap.a.coordinator.user)
    url = reverse("regions:roadmap_list")
    client.get(url)
    # the session and user, roles, unread notifications, regions, campaign, the rows, the counts
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(3, 9):
        _add(roadmap, f"2.{n}", period=_day(-n))
    with django_assert_num_queries(7):
        assert client.get(url, {"overdue": "on"}).status_code == 200


# --- the forms ------------------------------------------------------------------------------------------------------


def test_the_coordinator_adds_an_item_and_a_mistake_keeps_what_was_typed(client, roadmap):
    client.force_login(roadmap.a.coordinator.user)
    url = reverse("regions:roadmap_create")
    data = {"campaign": roadmap.campaign.pk, "number": "2.2", "activity": "Пресс-релиз", "period": "вчера",
            "responsible": "Пресс-служба", "status": "planned"}
    response = client.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["period"][0].startswith("Срок «вчера» не распознан.")
    assert form["responsible"].value() == "Пресс-служба" and form["period"].value() == "вчера"
    response = client.post(url, {**data, "period": _day(20)})
    assert response.status_code == 302
    assert response["Location"] == (f"{reverse('regions:roadmap_list')}?region={roadmap.a.region.pk}"
                                    f"&campaign={roadmap.campaign.pk}")
    assert RoadmapItem.objects.get(number="2.2", region=roadmap.a.region).responsible == "Пресс-служба"


def test_the_coordinator_edits_an_item_with_its_period_written_back(client, roadmap):
    client.force_login(roadmap.a.coordinator.user)
    item = roadmap.items["2.1"]
    url = reverse("regions:roadmap_edit", args=[item.pk])
    assert client.get(url).context["form"]["period"].value() == "В течение кампании"
    response = client.post(url, {"number": "2.1", "activity": item.activity, "period": "В течение кампании",
                                 "status": "done", "comment": "Вышло 12 публикаций"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.comment, item.period_kind) == ("done", "Вышло 12 публикаций", "campaign")


def test_the_coordinator_deletes_an_item_after_confirming(client, roadmap):
    client.force_login(roadmap.a.coordinator.user)
    url = reverse("regions:roadmap_delete", args=[roadmap.items["1.2"].pk])
    assert "Удалить «1.2 Отбор площадок»" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not RoadmapItem.objects.filter(pk=roadmap.items["1.2"].pk).exists()


# --- the files ------------------------------------------------------------------------------------------------------


def _xlsx(client, world, **params):
    response = client.get(reverse("regions:roadmap_xlsx"), {"region": world.a.region.pk, **params})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="roadmap-71-{world.campaign.year}.xlsx"'
    return response.content


def test_the_xlsx_is_laid_out_like_the_seeds_and_never_runs_a_formula(client, roadmap):
    _add(roadmap, "2.2", "=HYPERLINK(\"http://evil.example\")", _day(5))
    client.force_login(roadmap.curator.user)
    sheet = load_workbook(io.BytesIO(_xlsx(client, roadmap))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"Дорожная карта: Тульская область, {roadmap.campaign.name}"
    assert rows[2] == ("№ п/п", "Наименование мероприятия", "Сроки", "Ответственные исполнители",
                       "Ожидаемые результаты", "Статус", "Комментарий")
    assert rows[3][0] == "1. Организационное обеспечение"  # a heading across the row
    assert f"A4:G4" in {str(r) for r in sheet.merged_cells.ranges}
    assert rows[4][:3] == ("1.1", "Соглашение с министерством", _day(-3))
    assert rows[4][3] == "Министерство,\nоператор" and rows[4][5] == "Запланировано"
    assert rows[-1][1] == "'=HYPERLINK(\"http://evil.example\")"


def test_the_xlsx_loads_back_into_another_campaign(client, roadmap):
    client.force_login(roadmap.a.coordinator.user)
    content = _xlsx(client, roadmap)
    next_campaign = CampaignFactory(name="Кампания 2026, вторая волна", year=roadmap.campaign.year, is_active=False,
                                    starts_on=roadmap.campaign.starts_on, ends_on=roadmap.campaign.ends_on)
    result = roadmap_import(actor=roadmap.a.coordinator.user, region=roadmap.a.region, campaign=next_campaign,
                            content=content, replace=False)
    assert result.errors == [] and result.created == 6
    fields = ("number", "activity", "period_kind", "period_start", "period_end", "period_recurrence", "responsible",
              "expected_result", "status", "comment")
    mine = RoadmapItem.objects.filter(region=roadmap.a.region).order_by("sort_key")
    assert list(mine.filter(campaign=next_campaign).values_list(*fields)) == list(
        mine.filter(campaign=roadmap.campaign).values_list(*fields))


def test_the_pdf_holds_the_roadmap(client, roadmap):
    client.force_login(roadmap.a.coordinator.user)
    response = client.get(reverse("regions:roadmap_pdf"), {"region": roadmap.a.region.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Дорожная карта: Тульская область" in text
    assert "Соглашение с министерством" in text and "срок прошёл" in text
    assert "Чужое мероприятие" not in text


# --- the home pages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "curator"])
def test_home_flags_the_items_past_their_period(client, roadmap, who):
    client.force_login(roadmap.a.coordinator.user if who == "coordinator" else roadmap.curator.user)
    body = client.get(reverse("home")).content.decode()
    assert "Просроченные пункты дорожной карты" in body
    assert "1.1 Соглашение с министерством" in body and "2 Информационное сопровождение" in body
    assert "Отбор площадок" not in body and "Обучение наставников" not in body and "Чужое мероприятие" not in body
    assert f"#item-{roadmap.items['1.1'].pk}" in body


def test_home_shows_no_block_when_nothing_is_overdue(client, roadmap):
    RoadmapItem.objects.filter(region=roadmap.a.region).update(status=Status.DONE)
    client.force_login(roadmap.a.coordinator.user)
    assert "Просроченные пункты дорожной карты" not in client.get(reverse("home")).content.decode()


def test_home_counts_the_current_campaigns_items_only(client, roadmap):
    past = CampaignFactory(name="Прошлая кампания", is_active=False)
    _add(roadmap, "7.1", "Прошлогодний пункт", _day(-5), campaign=past)
    client.force_login(roadmap.a.coordinator.user)
    assert "Прошлогодний пункт" not in client.get(reverse("home")).content.decode()
