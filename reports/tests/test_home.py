"""The home page (issue 3 §3): each role lands on `/` and sees, for each role it holds, real figures of its scope."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from participants.tests.factories import NavigatorFactory
from regions.tests.factories import UserFactory
from reports.dashboards.bar_charts import bar_chart
from reports.dashboards.counts import percent_of
from reports.dashboards.figures_by_region import Figure
from venues.models import Booking

from .home_world import HOME, figures_of


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_home_resolves_without_namespace():
    assert reverse("home") == "/"


@pytest.mark.django_db
def test_user_without_role_is_told_whom_to_contact(client):
    client.force_login(UserFactory(email="nobody@test.example"))
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ещё не связана" in html or "нет роли" in html
    assert "педагог" in html and "координатор" in html
    assert "nobody@test.example" in html


@pytest.mark.django_db
def test_coordinator_sees_own_region_figures_against_targets(client, rich_world):
    a = rich_world.a
    client.force_login(a.coordinator.user)
    response = client.get(HOME)
    assert response.status_code == 200
    [section] = response.context["coordinator"]
    assert section.region == a.region
    assert figures_of(section) == {
        "municipalities": (2, None),
        "schools": (2, None),
        "navigators": (2, 75),
        "students": (3, 4500),
        "consents": (3, None),
        "diagnostics": (1, 4500),
        "venues": (2, None),
        "venues_signed": (2, None),
        "events_upcoming": (2, None),
        "events_submitted": (1, None),
        "bookings": (2, None),
        "trial_students": (1, None),  # the trials target counts participations: home_blocks.target_progress
    }
    html = response.content.decode()
    assert a.region.name in html
    assert rich_world.b.region.name not in html
    assert "<progress" in html  # the targets as progress bars (home_blocks.target_progress)
    # links to the lists that exist
    assert f'href="{reverse("regions:school_list")}"' in html


@pytest.mark.django_db
def test_coordinator_of_b_never_sees_region_a(client, rich_world):
    b = rich_world.b
    client.force_login(b.coordinator.user)
    response = client.get(HOME)
    [section] = response.context["coordinator"]
    assert section.region == b.region
    figures = figures_of(section)
    assert figures["students"] == (8, None)
    assert figures["navigators"] == (3, None)
    assert figures["venues"] == (3, None)
    assert figures["diagnostics"] == (0, None)
    assert figures["events_submitted"] == (0, None)
    assert rich_world.a.region.name not in response.content.decode()
    assert "operator" not in response.context and "curator" not in response.context


@pytest.mark.django_db
def test_coordinator_without_targets_sees_figures_and_no_chart(client, world):
    client.force_login(world.b.coordinator.user)
    response = client.get(HOME)
    [section] = response.context["coordinator"]
    assert section.chart is None
    assert "не задал" in response.content.decode()


@pytest.mark.django_db
def test_curator_sees_assigned_regions_only(client, rich_world):
    client.force_login(rich_world.curator.user)
    response = client.get(HOME)
    rows = response.context["curator"]["rows"]
    assert [r.region for r in rows] == [rich_world.a.region]
    assert figures_of(rows[0])["students"] == (3, 4500)
    html = response.content.decode()
    assert rich_world.b.region.name not in html
    assert "<table" in html and "<svg" in html


@pytest.mark.django_db
def test_operator_sees_national_totals_and_every_region(client, rich_world):
    client.force_login(rich_world.operator)
    response = client.get(HOME)
    section = response.context["operator"]
    assert {r.region for r in section["rows"]} == {rich_world.a.region, rich_world.b.region}
    totals = {f.key: (f.value, f.plan) for f in section["totals"]}
    assert totals["students"] == (11, 4500)
    assert totals["venues"] == (5, None)
    assert totals["bookings"] == (4, None)
    html = response.content.decode()
    assert rich_world.a.region.name in html and rich_world.b.region.name in html


@pytest.mark.django_db
def test_navigator_sees_school_figures_and_quota(client, rich_world):
    a = rich_world.a
    a.student.registered_by = a.navigator
    a.student.save(update_fields=["registered_by"])
    client.force_login(a.navigator.user)
    response = client.get(HOME)
    [school] = response.context["navigator"]
    assert school == a.school
    assert (school.students_count, school.consents_count, school.diagnostics_count) == (2, 2, 1)
    # the confirmed booking of student and the attended one of sibling both count
    assert school.booked_count == 2
    assert (school.registered_by_me, school.quota, school.quota_total) == (1, 70, 70)
    html = response.content.decode()
    assert a.other_school.short_name not in html


@pytest.mark.django_db
def test_venue_staff_sees_upcoming_events_seats_and_contract(client, rich_world):
    a = rich_world.a
    client.force_login(a.venue_staff.user)
    response = client.get(HOME)
    section = response.context["venue_staff"]
    assert [v.pk for v in section["venues"]] == [a.venue.pk]
    assert section["venues"][0].contract_status == "signed"
    events = section["events"]
    assert a.event in events and a.other_event not in events
    assert all(e.venue_id == a.venue.pk and e.starts_at > timezone.now() for e in events)
    html = response.content.decode()
    assert "1 из 20 (5%)" in html  # seats taken / capacity of a.event
    assert "подписан" in html
    assert a.other_venue.short_name not in html


@pytest.mark.django_db
def test_mentor_sees_events_and_students_waiting_for_recommendation(client, rich_world):
    a = rich_world.a
    client.force_login(a.mentor.user)
    response = client.get(HOME)
    section = response.context["mentor"]
    assert section["events"] == [a.event]
    assert section["pending_count"] == 1
    assert [b.student for b in section["pending"]] == [a.sibling]
    assert a.sibling.last_name in response.content.decode()


@pytest.mark.django_db
def test_guardian_sees_children_consent_and_bookings(client, rich_world):
    a = rich_world.a
    a.sibling.consents.update(withdrawn_at=timezone.now())
    client.force_login(a.guardian.user)
    response = client.get(HOME)
    members = {m.student: m for m in response.context["guardian"]}
    assert set(members) == {a.student, a.sibling}
    assert members[a.student].consent_in_force is True
    assert members[a.sibling].consent_in_force is False
    assert [b.event for b in members[a.student].bookings] == [a.event]
    html = response.content.decode()
    assert a.other_student.last_name not in html
    assert "не дано" in html


@pytest.mark.django_db
def test_student_sees_bookings_and_what_the_campaign_allows(client, world):
    a = world.a
    client.force_login(a.student.user)
    response = client.get(HOME)
    [me] = response.context["student"]
    assert me.student == a.student
    assert (me.used, me.offline_used) == (1, 1)
    html = response.content.decode()
    assert "использовано 1 из 4" in html
    assert "очное — использовано" in html


@pytest.mark.django_db
def test_student_with_online_booking_only_has_in_person_unused(client, world):
    b = world.b
    client.force_login(b.other_student.user)
    response = client.get(HOME)
    html = response.content.decode()
    assert "использовано 1 из 4" in html
    assert "очное — не использовано" in html


@pytest.mark.django_db
def test_user_holding_two_roles_sees_both_sections(client, world):
    a = world.a
    user = a.coordinator.user
    NavigatorFactory(user=user, school=a.school)
    client.force_login(user)
    response = client.get(HOME)
    assert response.context["coordinator"] and response.context["navigator"]


@pytest.mark.django_db
def test_guardian_reads_a_written_recommendation_from_home(client, rich_world):
    from regions.tests.factories import CompetencyFactory
    from venues.models import Recommendation

    a = rich_world.a
    attended = Booking.objects.get(student=a.sibling, status=Booking.Status.ATTENDED)
    recommendation = Recommendation.objects.create(
        booking=attended, mentor=a.mentor, competency=CompetencyFactory(), text="Инженерное направление"
    )
    client.force_login(a.guardian.user)
    html = client.get(HOME).content.decode()
    assert f'href="{reverse("venues:recommendation_detail", args=[recommendation.pk])}"' in html
    # The child's name leads to the child's bookings (the student directory page is a 404 for a parent).
    assert f'href="{reverse("venues:my_bookings")}?student={a.sibling.pk}"' in html
    assert client.get(reverse("venues:recommendation_detail", args=[recommendation.pk])).status_code == 200


@pytest.mark.django_db
def test_figures_link_to_the_filtered_lists_they_count(client, rich_world):
    a = rich_world.a
    client.force_login(a.coordinator.user)
    [section] = client.get(HOME).context["coordinator"]
    urls = {f.key: f.url for f in section.figures}
    assert urls["consents"] == reverse("participants:student_list") + "?consent=yes"
    assert urls["diagnostics"] == reverse("participants:student_list") + "?diagnostics=complete"
    assert urls["venues_signed"] == reverse("venues:venue_list") + "?contract=signed"
    # the linked list shows as many rows as the figure counts
    listed = client.get(urls["consents"])
    assert listed.status_code == 200
    assert listed.context["page_obj"].paginator.count == figures_of(section)["consents"][0]
    assert client.get(urls["venues_signed"]).context["page_obj"].paginator.count == figures_of(section)["venues_signed"][0]
    assert urls["bookings"] is None  # no list of a region's bookings exists: no link


@pytest.mark.django_db
def test_several_regions_link_each_to_its_own_rows(client, rich_world):
    from regions.tests.factories import CoordinatorFactory

    CoordinatorFactory(user=rich_world.a.coordinator.user, region=rich_world.b.region)
    client.force_login(rich_world.a.coordinator.user)
    sections = client.get(HOME).context["coordinator"]
    assert len(sections) == 2
    for section in sections:
        url = {f.key: f.url for f in section.figures}["students"]
        assert f"region={section.region.pk}" in url
        assert client.get(url).context["page_obj"].paginator.count == figures_of(section)["students"][0]


@pytest.mark.django_db
def test_home_works_for_every_role_when_no_campaign_is_current(client, world):
    world.campaign.is_active = False
    world.campaign.save(update_fields=["is_active"])
    for user in [
        world.operator, world.curator.user, world.a.coordinator.user, world.a.navigator.user,
        world.a.venue_staff.user, world.a.mentor.user, world.a.guardian.user, world.a.student.user,
    ]:
        client.force_login(user)
        response = client.get(HOME)
        assert response.status_code == 200, user.email
        assert "Текущей кампании нет" in response.content.decode(), user.email
    [me] = response.context["student"]
    assert [b.event for b in me.bookings] == [world.a.event]  # still listed, under a caption without a campaign
    assert "Записи в этой кампании" not in response.content.decode()
    client.force_login(world.a.coordinator.user)
    keys = {f.key for f in client.get(HOME).context["coordinator"][0].figures}
    assert "bookings" not in keys and "students" in keys


@pytest.mark.parametrize("fact, plan, shown", [
    (9, 5200, 0.2), (1, 100_000, 0.1), (27, 5200, 0.5), (0, 100, 0), (3, 90, 3), (995, 1000, 99), (1000, 1000, 100),
    (1200, 1000, 120), (5, 0, None), (5, None, None),
])
def test_progress_reads_as_people_expect(fact, plan, shown):
    assert percent_of(fact, plan) == shown


def test_early_progress_is_not_shown_as_zero_per_cent():
    figure = Figure(key="k", label="прошли все 3 этапа диагностики", short_label="диагностика", value=9, plan=5200)
    chart = bar_chart([("диагностика", 9, 5200)], common_scale=False)
    with translation.override("ru"):
        cards = " ".join(render_to_string("reports/includes/figure_cards.html", {"figures": [figure]}).split())
        svg = render_to_string("reports/includes/bar_chart.html", {"chart": chart})
    assert "факт / план: 0,2%" in cards
    assert "9 / 5 200 (0,2%)" in svg.replace("\xa0", " ")
