"""Loading a roadmap from a workbook shaped like seed 001 (Tula) or seed 004 (Kemerovo): every row checked, errors by
row in Russian, nothing saved while any row has one; the file goes through the upload guard."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from regions.models import RoadmapItem
from regions.services import RecordError
from regions.services.roadmap import ItemText, roadmap_import, roadmap_item_create
from regions.tests.factories import CampaignFactory

from .roadmap_tables import (
    KEMEROVO_TOP,
    Heading,
    kemerovo_rows,
    kemerovo_rows_of_2018,
    kemerovo_workbook,
    row_of,
    tula_rows,
    tula_workbook,
    workbook,
)

Kind, Recurrence = RoadmapItem.PeriodKind, RoadmapItem.Recurrence
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TULA_FIRST_LINE = 8  # seven rows above the items: the approval block, the title, the header
KEMEROVO_FIRST_LINE = 4  # the title, the header, the row of column numbers


def _past_campaign(name: str, year: int, starts_on: dt.date, ends_on: dt.date):
    return CampaignFactory(name=name, year=year, starts_on=starts_on, ends_on=ends_on, is_active=False)


@pytest.fixture
def tula(world):
    world.campaign_2020 = _past_campaign("Билет в будущее — 2020", 2020, dt.date(2020, 6, 1), dt.date(2020, 12, 12))
    return world


@pytest.fixture
def kemerovo(world):
    world.campaign_2018 = _past_campaign("Десятилетие детства — 2018", 2018, dt.date(2018, 1, 9), dt.date(2018, 12, 28))
    return world


def _import(world, campaign, content, *, replace=False, actor=None):
    return roadmap_import(actor=actor or world.a.coordinator.user, region=world.a.region, campaign=campaign,
                          content=content, replace=replace)


def _fixed_tula() -> list:
    rows = tula_rows()
    row_of(rows, "4.3.")[2] = "Сентябрь – декабрь 2020"
    return rows


def _line(rows: list, number: str, first: int = TULA_FIRST_LINE) -> int:
    """The sheet's row number of the item `number` of `rows`."""
    return first + next(i for i, row in enumerate(rows) if row and row[0] == number)


def _messages(result) -> dict[int, list[str]]:
    return {error.row: error.messages for error in result.errors}


# --- seed 001: Tula ------------------------------------------------------------------------------------------------


def test_the_tula_table_as_the_seed_has_it_stops_at_its_typo(tula):
    result = _import(tula, tula.campaign_2020, tula_workbook())
    assert _messages(result) == {_line(tula_rows(), "4.3."): [
        "«Сроки»: Срок «Сентябрь – декабрь 2019» не попадает в годы кампании «Билет в будущее — 2020» (2020)."
    ]}
    assert result.created == 0 and not RoadmapItem.objects.exists()


def test_the_tula_table_loads_with_its_layout(tula):
    result = _import(tula, tula.campaign_2020, tula_workbook(_fixed_tula()))
    assert result.errors == [] and result.created == 23
    items = {i.number: i for i in RoadmapItem.objects.filter(region=tula.a.region, campaign=tula.campaign_2020)}
    assert list(RoadmapItem.objects.order_by("sort_key").values_list("number", flat=True))[:8] == [
        "1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2"]
    # «1.» with no period is its section's heading; «2.» has a period of its own
    assert items["1"].is_heading and items["1"].activity.startswith("Организация взаимодействия с Союзом")
    assert items["2"].period_kind == Kind.MONTHS and items["2"].period_end == dt.date(2020, 8, 31)
    # the period merged down from «2.» to «2.1.», the party merged from 2.4 to 2.5, a multi-line cell
    assert (items["2.1"].period_start, items["2.1"].period_end) == (dt.date(2020, 6, 1), dt.date(2020, 8, 31))
    assert items["2.5"].responsible == "Региональный оператор, площадки Проекта"
    assert items["2.3"].responsible == "Региональный оператор,\nплощадки Проекта"
    assert (items["1.4"].period_kind, items["1.4"].period_recurrence) == (Kind.MONTHS, Recurrence.MONTHLY)
    assert items["1.4"].period_text == "Июнь – декабрь 2020, ежемесячно"
    assert items["1.3"].period_kind == Kind.CAMPAIGN
    assert (items["3.1"].period_kind, items["3.1"].period_end) == (Kind.DATES, dt.date(2020, 8, 27))
    assert items["3.2"].period_recurrence == Recurrence.ON_REQUEST
    # the heading with no number takes its section from 4.1 after it
    assert items["4"].is_heading
    assert items["4"].activity == "Информационное сопровождение реализации Проекта в Тульской области"
    assert items["4.2"].period_text == "Ежемесячно"
    assert {i.status for i in items.values()} == {RoadmapItem.Status.PLANNED}
    assert {i.created_by for i in items.values()} == {tula.a.coordinator.user}


@pytest.mark.parametrize("number,column,value,message", [
    ("2.2.", 1, "", "«Наименование мероприятия»: Укажите мероприятие."),
    ("2.2.", 2, "скоро", "«Сроки»: Срок «скоро» не распознан."),
    ("2.2.", 2, "", "«Сроки»: Укажите срок: без срока бывает только заголовок раздела (номер без точки)."),
    ("2.2.", 0, "2,2", "«№ п/п»: «2,2» — не номер пункта: пишите числа через точку, например 2.1."),
    ("2.2.", 0, "", "«№ п/п»: У пункта нет номера"),
    ("2.5.", 0, "2.4", "«№ п/п»: Пункт 2.4 уже есть в строке 17."),
    ("2.5.", 0, "1.9", "«№ п/п»: Пункт 1.9 стоит после 2.4: пункты должны идти по порядку номеров."),
])
def test_a_bad_row_is_named_with_its_column_and_nothing_is_saved(tula, number, column, value, message):
    rows = _fixed_tula()
    line = _line(rows, number)
    row_of(rows, number)[column] = value
    result = _import(tula, tula.campaign_2020, tula_workbook(rows))
    assert list(_messages(result)) == [line]
    assert _messages(result)[line][0].startswith(message)
    assert not RoadmapItem.objects.exists()


def test_every_bad_row_is_listed_at_once(tula):
    rows = tula_rows()
    row_of(rows, "1.2.")[1] = ""
    row_of(rows, "3.3.")[2] = "потом"
    result = _import(tula, tula.campaign_2020, tula_workbook(rows))
    assert list(_messages(result)) == [_line(rows, "1.2."), _line(rows, "3.3."), _line(rows, "4.3.")]
    assert result.rows == 23 and not RoadmapItem.objects.exists()


def test_a_heading_without_a_number_at_the_end_has_nothing_to_take_it_from(tula):
    rows = _fixed_tula() + [[Heading("Мониторинг")]]
    result = _import(tula, tula.campaign_2020, tula_workbook(rows))
    assert _messages(result) == {TULA_FIRST_LINE + 23: [
        "Заголовок раздела без номера, и после него нет пункта, по которому можно определить номер: напишите его "
        "как «4. Заголовок»."]}


# --- seed 004: Kemerovo ----------------------------------------------------------------------------------------------


def test_the_kemerovo_table_as_the_seed_has_it_stops_at_its_multi_year_periods(kemerovo):
    result = _import(kemerovo, kemerovo.campaign_2018, kemerovo_workbook())
    lines = [_line(kemerovo_rows(), number, KEMEROVO_FIRST_LINE) for number in ("1.4", "3.1", "3.2", "4.9", "4.10")]
    assert list(_messages(result)) == lines
    assert _messages(result)[lines[0]] == [
        "«Срок»: Срок «2018 г. 2021 г. 2024 г. 2026 г.» не распознан. Укажите месяц или месяцы с годом («май 2018», "
        "«июнь – сентябрь 2018»), квартал («II квартал 2018»), «ежегодно», дату («27.08.2018») или «в течение "
        "кампании»."]
    assert not RoadmapItem.objects.exists()


def test_the_kemerovo_table_of_2018_loads_with_its_layout(kemerovo):
    result = _import(kemerovo, kemerovo.campaign_2018, kemerovo_workbook(kemerovo_rows_of_2018()))
    assert result.errors == [] and result.created == 31
    items = {i.number: i for i in RoadmapItem.objects.filter(campaign=kemerovo.campaign_2018)}
    headings = sorted(n for n, i in items.items() if i.is_heading)
    assert headings == ["1", "2", "3", "4", "5"] and items["3"].activity == "Научно-методическое обеспечение проекта"
    assert items["1.1"].responsible == "ДТиЗН КО\nДОиН КО" and items["1.1"].expected_result == "Соглашение"
    assert (items["1.1"].period_start, items["1.1"].period_end) == (dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    assert (items["1.3"].period_kind, items["1.3"].period_end) == (Kind.QUARTER, dt.date(2018, 3, 31))
    assert (items["2.2"].period_kind, items["2.2"].period_start) == (Kind.ANNUAL, dt.date(2018, 8, 1))
    assert (items["3.4"].period_kind, items["3.4"].period_recurrence) == (Kind.CAMPAIGN, Recurrence.QUARTERLY)
    assert items["4.6"].period_recurrence == Recurrence.ON_REQUEST
    assert items["4.10"].sort_key > items["4.9"].sort_key and "4.10" in items
    assert items["5.1"].period_kind == Kind.CAMPAIGN
    assert items["4.1"].activity.count("\n") == 3


def test_a_number_excel_kept_as_a_number_is_explained(kemerovo):
    rows = kemerovo_rows_of_2018()
    row_of(rows, "4.10")[0] = 4.1  # «4.10» typed into a number cell
    result = _import(kemerovo, kemerovo.campaign_2018, kemerovo_workbook(rows))
    [error] = result.errors
    assert error.messages[0].startswith("«№»: Пункт 4.1 уже есть в строке")
    assert "Excel хранит номер 4.10, введённый в числовую ячейку, как 4.1" in error.messages[0]


# --- what is already in the roadmap ---------------------------------------------------------------------------------


def test_a_number_already_in_the_roadmap_stops_the_import_unless_it_replaces(tula):
    campaign, region = tula.campaign_2020, tula.a.region
    roadmap_item_create(actor=tula.a.coordinator.user, region=region, campaign=campaign,
                        item=ItemText(number="2.3", activity="Своя запись", period="Август 2020"))
    result = _import(tula, campaign, tula_workbook(_fixed_tula()))
    assert _messages(result) == {_line(tula_rows(), "2.3."): [
        "«№ п/п»: пункт 2.3 уже есть в дорожной карте; чтобы загрузить таблицу целиком, отметьте «Заменить "
        "дорожную карту»."]}
    assert list(RoadmapItem.objects.values_list("activity", flat=True)) == ["Своя запись"]
    result = _import(tula, campaign, tula_workbook(_fixed_tula()), replace=True)
    assert (result.created, result.replaced) == (23, 1)
    assert not RoadmapItem.objects.filter(activity="Своя запись").exists()


def test_replacing_touches_only_that_region_and_campaign(tula):
    other = roadmap_item_create(actor=tula.b.coordinator.user, region=tula.b.region, campaign=tula.campaign_2020,
                                item=ItemText(number="1", activity="Чужой раздел"))
    mine_elsewhere = roadmap_item_create(actor=tula.a.coordinator.user, region=tula.a.region, campaign=tula.campaign,
                                         item=ItemText(number="1", activity="Другая кампания"))
    _import(tula, tula.campaign_2020, tula_workbook(_fixed_tula()), replace=True)
    assert RoadmapItem.objects.filter(pk__in=[other.pk, mine_elsewhere.pk]).count() == 2


@pytest.mark.parametrize("who", ["curator", "operator", "other_coordinator"])
def test_only_the_regions_coordinator_imports(tula, who):
    actor = {"curator": tula.curator.user, "operator": tula.operator,
             "other_coordinator": tula.b.coordinator.user}[who]
    with pytest.raises(RecordError) as refused:
        _import(tula, tula.campaign_2020, tula_workbook(_fixed_tula()), actor=actor)
    assert refused.value.message == "Изменять дорожную карту региона может только его региональный координатор."
    assert not RoadmapItem.objects.exists()


def test_a_sheet_without_the_header_is_refused_as_a_whole(tula):
    book = Workbook()
    book.active.append(["Мероприятие", "Когда"])
    book.active.append(["Форум", "Май 2020"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(RecordError) as refused:
        _import(tula, tula.campaign_2020, buffer.getvalue())
    assert refused.value.message.startswith(
        "В первых 20 строках нет строки заголовков со столбцами «№ п/п», «Наименование мероприятия» и «Сроки»")


# --- through the page: the upload guard, the errors shown, the form kept ----------------------------------------


def _upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def _post(client, world, campaign, upload, follow=False, **extra):
    url = f"{reverse('regions:roadmap_import')}?region={world.a.region.pk}"
    return client.post(url, {"campaign": campaign.pk, "file": upload, **extra}, follow=follow)


def test_the_page_lists_the_rows_errors_and_keeps_the_choices(client, tula):
    client.force_login(tula.a.coordinator.user)
    response = _post(client, tula, tula.campaign_2020, _upload("tula.xlsx", tula_workbook()), replace="on")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ошибки в 1 строке из 23. Ничего не сохранено" in body
    assert "<caption>Ошибки по строкам (номера строк — как в таблице)</caption>" in body
    assert "Показаны первые" not in body
    assert "не попадает в годы кампании" in body
    assert response.context["form"]["replace"].value() is True
    assert str(response.context["form"]["campaign"].value()) == str(tula.campaign_2020.pk)
    assert not RoadmapItem.objects.exists()


def test_the_page_loads_a_clean_table_and_says_how_many(client, tula):
    client.force_login(tula.a.coordinator.user)
    response = _post(client, tula, tula.campaign_2020, _upload("tula.xlsx", tula_workbook(_fixed_tula())),
                     follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("regions:roadmap_list"))
    assert "Дорожная карта загружена: 23 пункта." in response.content.decode()
    assert RoadmapItem.objects.filter(region=tula.a.region, campaign=tula.campaign_2020).count() == 23


@pytest.mark.parametrize("name,content,message", [
    ("roadmap.xlsx", b"MZ\x90\x00 not a workbook", "Файл назван .xlsx, но это не книга Excel."),
    ("roadmap.csv", "№;Наименование мероприятия;Сроки\n1.1;Форум;Май 2020\n".encode(),
     "Загрузите дорожную карту в виде книги Excel (.xlsx)."),
    ("roadmap.exe", b"MZ\x90\x00", "Импортировать можно только файлы .xlsx и .csv"),
])
def test_the_upload_guard_refuses_what_is_not_a_workbook(client, tula, name, content, message):
    client.force_login(tula.a.coordinator.user)
    response = _post(client, tula, tula.campaign_2020, _upload(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RoadmapItem.objects.exists()


def test_a_workbook_longer_than_a_roadmap_is_refused_before_it_is_read(client, tula):
    book = Workbook()
    for n in range(1, 1100):
        book.active.append([f"1.{n}", "Мероприятие", "Май 2020"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(tula.a.coordinator.user)
    response = _post(client, tula, tula.campaign_2020, _upload("big.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "В файле больше 1\xa0000 строк под заголовком" in response.content.decode()


@pytest.mark.parametrize("who", ["curator", "operator"])
def test_readers_may_not_open_the_import(client, tula, who):
    client.force_login(tula.curator.user if who == "curator" else tula.operator)
    assert client.get(reverse("regions:roadmap_import")).status_code == 403
    response = _post(client, tula, tula.campaign_2020, _upload("tula.xlsx", tula_workbook(_fixed_tula())))
    assert response.status_code in (403, 404) and not RoadmapItem.objects.exists()


def test_a_status_column_is_read_in_the_portals_words_and_the_usual_ones(kemerovo):
    top = [row[:] for row in KEMEROVO_TOP]
    top[1] = top[1] + ["Статус"]
    top[2] = top[2] + ["6"]
    rows = kemerovo_rows_of_2018()
    statuses = {"1.1": "Выполнено", "1.2": "в работе", "1.3": "Отменено"}
    for row in rows:
        if isinstance(row[0], str) and row[0] in statuses:
            row.append(statuses[row[0]])
    result = _import(kemerovo, kemerovo.campaign_2018, workbook(top, rows))
    assert result.errors == []
    assert dict(RoadmapItem.objects.filter(number__in=statuses).values_list("number", "status")) == {
        "1.1": "done", "1.2": "in_progress", "1.3": "cancelled"}
    RoadmapItem.objects.all().delete()
    row_of(rows, "2.1").append("сделаем")
    [error] = _import(kemerovo, kemerovo.campaign_2018, workbook(top, rows)).errors
    assert error.messages == ["«Статус»: «сделаем» — не статус: укажите один из вариантов: «запланировано», "
                              "«выполняется», «выполнено», «отменено»."]
