"""Staff pages of the event workflow: /manage/events/… (issue 4 §1–§2). Owner, another role, an outsider → 404."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from regions.tests.factories import CompetencyFactory
from venues.models import Event
from venues.tests.factories import EventFactory

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _future(days=10, hour=10):
    return (timezone.localtime() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _draft(world, **kwargs):
    return EventFactory(venue=world.a.venue, campaign=world.campaign, status=Event.Status.DRAFT, **kwargs)


def _post_data(world, **overrides):
    start = _future()
    data = {
        "venue": world.a.venue.pk,
        "campaign": world.campaign.pk,
        "competency": CompetencyFactory(name="Сварочные технологии").pk,
        "title": "Сварщик будущего",
        "description": "Знакомство с профессией",
        "level": Event.Level.INTRODUCTORY,
        "mode": Event.Mode.OFFLINE,
        "address": "г. Тула, ул. Ленина, д. 1",
        "online_url": "",
        "starts_at": _local(start),
        "ends_at": _local(start + dt.timedelta(hours=2)),
        "capacity": "15",
        "grade_min": "6",
        "grade_max": "11",
        "accessible_for": [],
        "mentors": [world.a.mentor.pk],
    }
    data.update(overrides)
    return data


# --- the list ---------------------------------------------------------------------------------------------------------


def _titles(response):
    return {event.title for event in response.context["page_obj"]}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("a.venue_staff", {"Проба (Тульская область)"}),
        ("a.other_venue_staff", {"Онлайн-проба (Тульская область)"}),
        ("a.coordinator", {"Проба (Тульская область)", "Онлайн-проба (Тульская область)"}),
        ("curator", {"Проба (Тульская область)", "Онлайн-проба (Тульская область)"}),
        ("b.coordinator", {"Проба (Смоленская область)", "Онлайн-проба (Смоленская область)"}),
    ],
)
def test_list_is_scoped(client, world, who, expected):
    holder = world
    for part in who.split("."):
        holder = getattr(holder, part)
    client.force_login(holder.user)
    response = client.get(reverse("venues:event_manage_list"))
    assert response.status_code == 200
    assert _titles(response) == expected


def test_operator_sees_every_event(client, world):
    client.force_login(world.operator)
    assert len(_titles(client.get(reverse("venues:event_manage_list")))) == 4


@pytest.mark.parametrize("who", ["navigator", "guardian", "student"])
def test_list_not_for_families_and_navigators(client, world, who):
    client.force_login(getattr(world.a, who).user)
    assert client.get(reverse("venues:event_manage_list")).status_code == 404


def test_list_needs_login(client, world):
    response = client.get(reverse("venues:event_manage_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_filters_search_and_sort(client, world):
    client.force_login(world.a.coordinator.user)
    draft = _draft(world, title="Черновик повара", starts_at=_future(days=30), ends_at=_future(days=30, hour=12))
    url = reverse("venues:event_manage_list")
    assert _titles(client.get(url, {"status": "draft"})) == {draft.title}
    assert _titles(client.get(url, {"venue": world.a.other_venue.pk})) == {"Онлайн-проба (Тульская область)"}
    assert _titles(client.get(url, {"mode": "online"})) == {"Онлайн-проба (Тульская область)"}
    assert _titles(client.get(url, {"competency": draft.competency_id})) == {draft.title}
    assert _titles(client.get(url, {"level": "engaged"})) == set()
    day = timezone.localtime(draft.starts_at).date()
    assert _titles(client.get(url, {"date_from": day.isoformat(), "date_to": day.isoformat()})) == {draft.title}
    assert _titles(client.get(url, {"q": "повара"})) == {draft.title}
    # A venue of another region is not a valid choice: the filter is refused, not applied to an empty result.
    response = client.get(url, {"venue": world.b.venue.pk})
    assert "Смоленская" not in " ".join(_titles(response))
    assert response.context["listing"].problems
    titles = [e.title for e in client.get(url, {"sort": "-starts_at"}).context["page_obj"]]
    assert titles[0] == draft.title


def test_list_htmx_gets_the_results_partial(client, world):
    client.force_login(world.a.coordinator.user)
    url = reverse("venues:event_manage_list")
    full = client.get(url)
    partial = client.get(url, {"mode": "online"}, HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b'id="results"' in full.content
    assert b"<html" not in partial.content and b'id="results"' in partial.content
    assert "Онлайн-проба (Тульская область)" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.a.coordinator.user)
    url = reverse("venues:event_manage_list")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(15):
        _draft(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 17


# --- create and edit --------------------------------------------------------------------------------------------------


def test_staff_create_a_draft(client, world):
    client.force_login(world.a.venue_staff.user)
    assert client.get(reverse("venues:event_create")).status_code == 200
    response = client.post(reverse("venues:event_create"), _post_data(world))
    event = Event.objects.get(title="Сварщик будущего")
    assert response.status_code == 302
    assert response["Location"] == reverse("venues:event_manage_detail", args=[event.pk])
    assert event.status == Event.Status.DRAFT
    assert list(event.mentors.all()) == [world.a.mentor]


def test_create_refusal_keeps_the_input(client, world):
    client.force_login(world.a.venue_staff.user)
    response = client.post(reverse("venues:event_create"), _post_data(world, address="", title="Мой черновик"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Для очного мероприятия нужен адрес." in page
    assert 'value="Мой черновик"' in page
    assert not Event.objects.filter(title="Мой черновик").exists()


def test_create_with_a_venue_of_another_staff_refused(client, world):
    client.force_login(world.a.venue_staff.user)
    response = client.post(reverse("venues:event_create"), _post_data(world, venue=world.a.other_venue.pk))
    assert response.status_code == 400
    assert not Event.objects.filter(title="Сварщик будущего").exists()


@pytest.mark.parametrize("who", ["coordinator", "navigator", "guardian"])
def test_create_page_only_for_venue_staff(client, world, who):
    client.force_login(getattr(world.a, who).user)
    assert client.get(reverse("venues:event_create")).status_code == 404


def test_edit_a_draft(client, world):
    event = _draft(world)
    client.force_login(world.a.venue_staff.user)
    url = reverse("venues:event_edit", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200 and event.title in page.content.decode()
    response = client.post(url, _post_data(world, title="Исправленное название"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Исправленное название"


def test_edit_a_published_event_offers_time_place_and_seats(client, world, django_capture_on_commit_callbacks):
    from django.core import mail

    client.force_login(world.a.venue_staff.user)
    url = reverse("venues:event_edit", args=[world.a.event.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"starts_at", "ends_at", "address", "capacity"}
    data = {"starts_at": _local(world.a.event.starts_at), "ends_at": _local(world.a.event.ends_at),
            "address": "г. Тула, пр. Ленина, д. 92", "capacity": "20"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    world.a.event.refresh_from_db()
    assert world.a.event.address == "г. Тула, пр. Ленина, д. 92"
    assert sorted(m.to[0] for m in mail.outbox) == ["guardian71@test.example", "student71@test.example"]


def test_edit_published_capacity_below_taken_refused(client, world):
    Event.objects.filter(pk=world.a.event.pk).update(seats_taken=5)
    client.force_login(world.a.coordinator.user)
    url = reverse("venues:event_edit", args=[world.a.event.pk])
    data = {"starts_at": _local(world.a.event.starts_at), "ends_at": _local(world.a.event.ends_at),
            "address": world.a.event.address, "capacity": "2"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Уже занято мест: 5; меньше сделать нельзя." in response.content.decode()


def test_edit_of_a_submitted_event_is_refused_politely(client, world):
    event = _draft(world)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.SUBMITTED)
    client.force_login(world.a.venue_staff.user)
    response = client.get(reverse("venues:event_edit", args=[event.pk]), follow=True)
    assert "Это мероприятие сейчас нельзя редактировать." in response.content.decode()


@pytest.mark.parametrize("name", ["event_manage_detail", "event_edit"])
@pytest.mark.parametrize("who", ["a.other_venue_staff", "b.venue_staff", "b.coordinator", "a.navigator", "a.guardian"])
def test_outsiders_get_404(client, world, name, who):
    holder = world
    for part in who.split("."):
        holder = getattr(holder, part)
    client.force_login(holder.user)
    assert client.get(reverse(f"venues:{name}", args=[world.a.event.pk])).status_code == 404


@pytest.mark.parametrize("name", ["event_submit", "event_copy", "event_approve", "event_return", "event_cancel"])
@pytest.mark.parametrize("who", ["b.coordinator", "b.venue_staff", "a.other_venue_staff", "a.navigator"])
def test_actions_on_an_event_out_of_scope_404(client, world, name, who):
    event = _draft(world)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.SUBMITTED)
    holder = world
    for part in who.split("."):
        holder = getattr(holder, part)
    client.force_login(holder.user)
    response = client.post(reverse(f"venues:{name}", args=[event.pk]), {"comment": "x", "reason": "x"})
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED


def test_actions_are_post_only(client, world):
    client.force_login(world.a.coordinator.user)
    assert client.get(reverse("venues:event_approve", args=[world.a.event.pk])).status_code == 405


# --- detail and workflow ----------------------------------------------------------------------------------------------


def test_detail_shows_state_comment_counts_and_actions(client, world, django_assert_max_num_queries):
    event = _draft(world)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.RETURNED, coordinator_comment="Добавьте описание")
    client.force_login(world.a.venue_staff.user)
    event.mentors.add(world.a.mentor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("venues:event_manage_detail", args=[event.pk]))
    page = response.content.decode()
    assert "возвращено на доработку" in page
    assert "Добавьте описание" in page
    assert reverse("venues:event_submit", args=[event.pk]) in page
    assert reverse("venues:event_approve", args=[event.pk]) not in page
    booked = client.get(reverse("venues:event_manage_detail", args=[world.a.event.pk])).content.decode()
    assert "подтверждено: 1, в листе ожидания: 0, присутствовали: 0" in booked


def test_curator_reads_without_actions(client, world):
    client.force_login(world.curator.user)
    response = client.get(reverse("venues:event_manage_detail", args=[world.a.event.pk]))
    assert response.status_code == 200
    assert response.context["actions"] == set()
    refused = client.post(reverse("venues:event_cancel", args=[world.a.event.pk]), {"reason": "x"}, follow=True)
    assert "Это может сделать только координатор региона" in refused.content.decode()
    world.a.event.refresh_from_db()
    assert world.a.event.status == Event.Status.PUBLISHED


def test_submit_approve_flow(client, world):
    event = _draft(world, starts_at=_future(), ends_at=_future(hour=12))
    client.force_login(world.a.venue_staff.user)
    response = client.post(reverse("venues:event_submit", args=[event.pk]), follow=True)
    assert "Мероприятие отправлено региональному координатору на согласование." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED
    # Venue staff cannot approve their own event: the message names the rule.
    response = client.post(reverse("venues:event_approve", args=[event.pk]), follow=True)
    assert "Это может сделать только координатор региона" in response.content.decode()
    client.force_login(world.a.coordinator.user)
    queue = client.get(reverse("venues:event_queue"))
    assert [e.pk for e in queue.context["page_obj"]] == [event.pk]
    response = client.post(reverse("venues:event_approve", args=[event.pk]),
                           {"next": reverse("venues:event_queue")})
    assert response["Location"] == reverse("venues:event_queue")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_return_needs_a_comment(client, world):
    event = _draft(world)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.SUBMITTED)
    client.force_login(world.a.coordinator.user)
    url = reverse("venues:event_return", args=[event.pk])
    response = client.post(url, {"comment": "  "})
    assert response.status_code == 400
    assert "Напишите, что площадке нужно исправить." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED
    client.post(url, {"comment": "Уточните адрес"})
    event.refresh_from_db()
    assert (event.status, event.coordinator_comment) == (Event.Status.RETURNED, "Уточните адрес")


def test_queue_return_from_the_list_with_an_empty_comment(client, world):
    event = _draft(world)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.SUBMITTED)
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("venues:event_return", args=[event.pk]),
                           {"comment": "", "next": reverse("venues:event_queue")}, follow=True)
    assert "Напишите, что площадке нужно исправить." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("venues:event_queue")


def test_queue_is_the_regions_submitted_events(client, world):
    mine = _draft(world)
    theirs = EventFactory(venue=world.b.venue, campaign=world.campaign, status=Event.Status.SUBMITTED)
    Event.objects.filter(pk=mine.pk).update(status=Event.Status.SUBMITTED)
    client.force_login(world.a.coordinator.user)
    assert [e.pk for e in client.get(reverse("venues:event_queue")).context["page_obj"]] == [mine.pk]
    client.force_login(world.operator)
    assert {e.pk for e in client.get(reverse("venues:event_queue")).context["page_obj"]} == {mine.pk, theirs.pk}
    for outsider in (world.a.venue_staff.user, world.curator.user, world.a.navigator.user):
        client.force_login(outsider)
        assert client.get(reverse("venues:event_queue")).status_code == 404


def test_cancel_from_the_page(client, world):
    client.force_login(world.a.coordinator.user)
    url = reverse("venues:event_cancel", args=[world.a.event.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Напишите причину отмены — её прочитают семьи." in response.content.decode()
    client.post(url, {"reason": "Площадка закрыта"})
    world.a.event.refresh_from_db()
    assert world.a.event.status == Event.Status.CANCELLED


def test_copy_from_the_page(client, world):
    client.force_login(world.a.venue_staff.user)
    start = _future(days=21, hour=14)
    response = client.post(reverse("venues:event_copy", args=[world.a.event.pk]), {"starts_at": _local(start)})
    copy = Event.objects.exclude(pk=world.a.event.pk).get(title=world.a.event.title)
    assert response["Location"] == reverse("venues:event_manage_detail", args=[copy.pk])
    assert copy.status == Event.Status.DRAFT
    assert copy.starts_at == start


def test_copy_with_a_bad_date_keeps_it(client, world):
    client.force_login(world.a.venue_staff.user)
    response = client.post(reverse("venues:event_copy", args=[world.a.event.pk]), {"starts_at": "2020-01-01T10:00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Начало должно быть в будущем." in page
    assert 'value="2020-01-01T10:00"' in page


# --- the calendar -----------------------------------------------------------------------------------------------------


def test_calendar_month_grid(client, world):
    december = EventFactory(venue=world.a.venue, campaign=world.campaign, title="Декабрьская проба",
                            starts_at=dt.datetime(2026, 12, 15, 10, 0, tzinfo=MSK),
                            ends_at=dt.datetime(2026, 12, 15, 12, 0, tzinfo=MSK))
    EventFactory(venue=world.b.venue, campaign=world.campaign, title="Чужая проба",
                 starts_at=dt.datetime(2026, 12, 16, 10, 0, tzinfo=MSK),
                 ends_at=dt.datetime(2026, 12, 16, 12, 0, tzinfo=MSK))
    client.force_login(world.a.coordinator.user)
    response = client.get(reverse("venues:event_calendar"), {"month": "2026-12"})
    page = response.content.decode()
    weeks = response.context["weeks"]
    # 1 December 2026 is a Tuesday: the grid starts on Monday 30 November and ends on Sunday 3 January.
    assert weeks[0][0]["date"] == dt.date(2026, 11, 30) and not weeks[0][0]["in_month"]
    assert weeks[-1][-1]["date"] == dt.date(2027, 1, 3)
    assert all(len(week) == 7 for week in weeks)
    day = next(d for week in weeks for d in week if d["date"] == dt.date(2026, 12, 15))
    assert [e.pk for e in day["events"]] == [december.pk]
    assert "Декабрь 2026" in page
    assert page.index(">Пн<") < page.index(">Вт<") < page.index(">Вс<")
    assert reverse("venues:event_manage_detail", args=[december.pk]) in page
    assert "Чужая проба" not in page
    assert "?month=2026-11" in page and "?month=2027-01" in page


def test_calendar_bad_month_shows_this_month(client, world):
    client.force_login(world.a.venue_staff.user)
    response = client.get(reverse("venues:event_calendar"), {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_calendar_not_for_families(client, world):
    client.force_login(world.a.guardian.user)
    assert client.get(reverse("venues:event_calendar")).status_code == 404


def _nav_links(response) -> list[dict]:
    """The bar's links, those inside its menus included (a long bar groups them: bilet/navigation.py)."""
    return [link for entry in response.context["nav_items"] for link in entry.get("links", [entry])]


def test_navigation_per_role(client, world):
    client.force_login(world.a.coordinator.user)
    labels = [item["label"] for item in _nav_links(client.get(reverse("venues:event_calendar")))]
    assert {"Мероприятия", "Очередь на согласование", "Календарь", "Каталог мероприятий"} <= set(map(str, labels))
    client.force_login(world.a.venue_staff.user)
    labels = {str(i["label"]) for i in _nav_links(client.get(reverse("venues:event_calendar")))}
    assert "Очередь на согласование" not in labels and "Мероприятия" in labels


@pytest.mark.parametrize("name", ["event_queue", "event_calendar"])
def test_queue_and_calendar_query_counts_do_not_grow(client, world, name, django_assert_max_num_queries):
    client.force_login(world.a.coordinator.user)
    url = reverse(f"venues:{name}")
    month = {"month": timezone.localdate().strftime("%Y-%m")} if name == "event_calendar" else {}
    EventFactory(venue=world.a.venue, campaign=world.campaign, status=Event.Status.SUBMITTED,
                 submitted_at=timezone.now(), starts_at=timezone.now() + dt.timedelta(hours=1),
                 ends_at=timezone.now() + dt.timedelta(hours=2))
    with django_assert_max_num_queries(10) as few:
        client.get(url, month)
    for day in range(12):
        start = timezone.localtime().replace(day=1, hour=10, minute=0) + dt.timedelta(days=day % 27)
        EventFactory(venue=world.a.venue, campaign=world.campaign, status=Event.Status.SUBMITTED,
                     submitted_at=timezone.now(), starts_at=start, ends_at=start + dt.timedelta(hours=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, month)
    shown = response.context["page_obj"] if name == "event_queue" else [
        e for week in response.context["weeks"] for d in week for e in d["events"]]
    assert len(shown) >= 12


def test_only_the_closest_navigation_entry_is_current(client, world):
    client.force_login(world.a.coordinator.user)
    items = _nav_links(client.get(reverse("venues:event_calendar")))
    assert [str(i["label"]) for i in items if i["current"]] == ["Календарь"]
    items = _nav_links(client.get(reverse("venues:event_manage_list")))
    assert [str(i["label"]) for i in items if i["current"]] == ["Мероприятия"]
