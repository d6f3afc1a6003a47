"""Events suggested by a student's diagnostics results (issue 14 §5)."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from participants.diagnostic_bank import install_diagnostic_bank
from participants.models import DiagnosticResult
from regions.tests.factories import CampaignFactory, CompetencyFactory
from venues.models import Event
from venues.selectors.suggestions import events_suggested_for
from venues.tests.factories import EventFactory

IT = "Информационные технологии"


@pytest.fixture
def it_competency(db):
    return CompetencyFactory(code="WSR-17", name="Веб-технологии", sphere=IT)


def _suggested(world, spheres=(IT,)):
    student = world.a.student
    return list(events_suggested_for(user=student.user, student=student, spheres=list(spheres)))


@pytest.mark.django_db
def test_events_of_the_spheres_with_free_seats_are_suggested(world, it_competency):
    match = EventFactory(venue=world.a.venue, campaign=world.campaign, competency=it_competency, title="Веб")
    later = EventFactory(
        venue=world.a.other_venue, campaign=world.campaign, competency=it_competency, online=True,
        starts_at=timezone.now() + dt.timedelta(days=20),
    )
    # world's own events have competencies of no sphere: never suggested.
    assert _suggested(world) == [match, later]


@pytest.mark.django_db
def test_no_spheres_no_suggestions(world, it_competency):
    EventFactory(venue=world.a.venue, campaign=world.campaign, competency=it_competency)
    assert _suggested(world, spheres=()) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    ["full", "past", "other_region", "grade_above", "grade_below", "other_sphere", "draft", "cancelled",
     "window_closed", "campaign_grades"],
)
def test_excluded_events(world, it_competency, change):
    student = world.a.student  # grade 8
    kwargs = {"venue": world.a.venue, "campaign": world.campaign, "competency": it_competency}
    if change == "full":
        kwargs.update(capacity=2, seats_taken=2)
    elif change == "past":
        kwargs.update(starts_at=timezone.now() - dt.timedelta(hours=1))
    elif change == "other_region":
        kwargs.update(venue=world.b.venue)
    elif change == "grade_above":
        kwargs.update(grade_min=9, grade_max=11)
    elif change == "grade_below":
        kwargs.update(grade_min=6, grade_max=7)
    elif change == "other_sphere":
        kwargs.update(competency=CompetencyFactory(sphere="Сфера услуг"))
    elif change == "draft":
        kwargs.update(status=Event.Status.DRAFT)
    elif change == "cancelled":
        kwargs.update(status=Event.Status.CANCELLED)
    elif change == "window_closed":
        kwargs.update(campaign=CampaignFactory(
            is_active=False, booking_opens_at=timezone.now() - dt.timedelta(days=60),
            booking_closes_at=timezone.now() - dt.timedelta(days=1),
        ))
    elif change == "campaign_grades":
        kwargs.update(campaign=CampaignFactory(is_active=False, grade_min=9, grade_max=11))
    EventFactory(**kwargs)
    assert student.grade == 8
    assert _suggested(world) == []


@pytest.mark.django_db
def test_results_page_shows_the_suggested_events(client, world, it_competency):
    install_diagnostic_bank(apps.get_model)
    event = EventFactory(venue=world.a.venue, campaign=world.campaign, competency=it_competency, title="Сайт-визитка")
    full = EventFactory(
        venue=world.a.venue, campaign=world.campaign, competency=it_competency, title="Полная", capacity=1,
        seats_taken=1,
    )
    DiagnosticResult.objects.create(
        student=world.a.student, stage=2, completed_at=timezone.now(), result="Человек — знаковая система",
        spheres=[IT],
    )
    for user in (world.a.student.user, world.a.guardian.user, world.a.navigator.user):
        client.force_login(user)
        page = client.get(reverse("participants:diagnostic_results", args=[world.a.student.pk]))
        html = page.content.decode()
        assert "Подходящие мероприятия" in html
        assert reverse("venues:event_detail", args=[event.pk]) in html
        assert full.title not in html


@pytest.mark.django_db
def test_results_page_without_stage_2_explains_the_suggestions(client, world):
    client.force_login(world.a.student.user)
    page = client.get(reverse("participants:diagnostic_results", args=[world.a.student.pk]))
    assert "Пройдите его, и они появятся здесь." in page.content.decode()
