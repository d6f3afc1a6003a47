"""Mentors' recommendations: the service's rules and messages, the mentor's pages, the readers' page, the
coordinator's overdue list, and who may see what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.tests.factories import StudentFactory
from regions.tests.factories import CompetencyFactory
from venues.models import Booking, Recommendation
from venues.services.recommendations import RecommendationError, recommendation_write
from venues.tests.factories import BookingFactory, EventFactory, MentorFactory
from venues.tests.query_counts import get_with_steady_queries

pytestmark = pytest.mark.django_db

TEXT = "Хорошо работает руками, стоит выбрать профильный класс и кружок робототехники."


def _held(event, *, days_ago=3):
    """Move `event` `days_ago` days into the past and mark its register: every confirmed student attended."""
    event.starts_at = timezone.now() - dt.timedelta(days=days_ago, hours=2)
    event.ends_at = event.starts_at + dt.timedelta(hours=2)
    event.attendance_marked_at = timezone.now()
    event.save(update_fields=["starts_at", "ends_at", "attendance_marked_at"])
    event.bookings.filter(status=Booking.Status.CONFIRMED).update(status=Booking.Status.ATTENDED)
    return event


@pytest.fixture
def held(world):
    _held(world.a.event)
    _held(world.b.event)
    world.a.booking.refresh_from_db()
    world.b.booking.refresh_from_db()
    return world


def _write(world, *, mentor=None, booking=None, text=TEXT):
    a = world.a
    return recommendation_write(
        actor=(mentor or a.mentor).user, booking=booking or a.booking, competency=a.event.competency, text=text
    )


# --- the service --------------------------------------------------------------------------------------------------

def test_mentor_writes_a_recommendation(held):
    recommendation = _write(held)
    assert recommendation.mentor == held.a.mentor
    assert recommendation.booking == held.a.booking
    assert recommendation.text == TEXT


def test_the_author_may_change_it(held):
    first = _write(held)
    other = CompetencyFactory()
    second = recommendation_write(actor=held.a.mentor.user, booking=held.a.booking, competency=other, text=TEXT + "!")
    assert second.pk == first.pk
    assert Recommendation.objects.get().competency == other
    assert Recommendation.objects.get().text.endswith("!")


def test_the_student_and_guardian_are_told_once(held, mailoutbox, django_capture_on_commit_callbacks):
    a = held.a
    with django_capture_on_commit_callbacks(execute=True):
        _write(held)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([a.student.user.email, a.guardian.user.email])
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert {m.subject for m in mailoutbox} == {f"Рекомендация наставника по итогам «{a.event.title}»"}
    # Each in the reader's voice (issue 12 §18).
    assert f"Наставник {a.mentor.full_name} написал для вас рекомендацию" in bodies[a.student.user.email]
    assert (
        f"Наставник {a.mentor.full_name} написал рекомендацию для вашего ребёнка ({a.student.full_name})"
        in bodies[a.guardian.user.email]
    )
    with django_capture_on_commit_callbacks(execute=True):
        _write(held, text=TEXT + " Исправлено.")
    assert len(mailoutbox) == 2  # a correction by its author tells nobody again


def test_nobody_is_told_of_a_refused_recommendation(held, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RecommendationError):
        _write(held, text="Кратко.")
    assert mailoutbox == []


def test_another_mentor_of_the_event_may_not_overwrite(held):
    a = held.a
    colleague = MentorFactory(region=a.region)
    a.event.mentors.add(colleague)
    _write(held)
    with pytest.raises(RecommendationError, match="Другой наставник мероприятия уже написал рекомендацию"):
        _write(held, mentor=colleague, text="Совсем другой текст рекомендации для ученика.")
    assert Recommendation.objects.get().text == TEXT


def test_mentor_of_another_event_may_not_write(held):
    with pytest.raises(RecommendationError, match="Писать рекомендации могут только наставники этого мероприятия"):
        _write(held, mentor=held.b.mentor)
    assert not Recommendation.objects.exists()


def test_non_mentor_may_not_write(held):
    with pytest.raises(RecommendationError, match="Писать рекомендации могут только наставники"):
        recommendation_write(
            actor=held.a.venue_staff.user, booking=held.a.booking, competency=held.a.event.competency, text=TEXT
        )


@pytest.mark.parametrize("status", [Booking.Status.CONFIRMED, Booking.Status.NO_SHOW, Booking.Status.WAITLISTED])
def test_only_for_attended_students(held, status):
    Booking.objects.filter(pk=held.a.booking.pk).update(status=status)
    with pytest.raises(RecommendationError, match="только для участника, которого площадка отметила"):
        _write(held)
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "Молодец."])
def test_text_too_short(held, text):
    with pytest.raises(RecommendationError, match="не короче 20 символов"):
        _write(held, text=text)


def test_text_too_long(held):
    with pytest.raises(RecommendationError, match="длиннее 5000 символов"):
        _write(held, text="а" * 5001)


def test_late_writing_is_allowed(world):
    _held(world.a.event, days_ago=world.campaign.recommendation_days + 3)
    world.a.booking.refresh_from_db()
    assert _write(world).pk


# --- the mentor's list and form -----------------------------------------------------------------------------------


def test_mentor_list_shows_pending_with_due_dates_and_written(client, world):
    a = world.a
    _held(a.event, days_ago=world.campaign.recommendation_days + 2)  # overdue
    recent = _held(EventFactory(venue=a.venue, campaign=world.campaign, title="Свежая проба"), days_ago=1)
    recent.mentors.add(a.mentor)
    fresh = BookingFactory(event=recent, student=a.sibling, status=Booking.Status.ATTENDED)
    done = BookingFactory(event=recent, student=a.other_student, status=Booking.Status.ATTENDED)
    Recommendation.objects.create(booking=done, mentor=a.mentor, competency=recent.competency, text=TEXT)
    absent = BookingFactory(event=recent, student=StudentFactory(school=a.school), status=Booking.Status.NO_SHOW)

    client.force_login(a.mentor.user)
    response = client.get(reverse("venues:mentor_recommendations"))
    assert response.status_code == 200
    pending = {b.pk: b for b in response.context["pending"]}
    assert set(pending) == {a.booking.pk, fresh.pk}
    assert pending[a.booking.pk].overdue and not pending[fresh.pk].overdue
    assert pending[fresh.pk].due_at == recent.ends_at + dt.timedelta(days=world.campaign.recommendation_days)
    assert absent.pk not in pending
    assert [r.booking_id for r in response.context["written"]] == [done.pk]
    html = response.content.decode()
    assert "row-overdue" in html and "просрочено" in html.lower()
    assert reverse("venues:recommendation_write", args=[a.booking.pk]) in html


@pytest.mark.parametrize("who", ["venue_staff", "coordinator", "navigator", "student"])
def test_mentor_list_is_404_for_other_roles(client, held, who):
    client.force_login(getattr(held.a, who).user)
    assert client.get(reverse("venues:mentor_recommendations")).status_code == 404


def test_mentor_list_query_count_does_not_grow(client, held, django_assert_max_num_queries):
    a = held.a

    def add_events(n):
        for _ in range(n):
            event = _held(EventFactory(venue=a.venue, campaign=held.campaign))
            event.mentors.add(a.mentor)
            for _ in range(2):
                booking = BookingFactory(
                    event=event, student=StudentFactory(school=a.school), status=Booking.Status.ATTENDED
                )
            Recommendation.objects.create(booking=booking, mentor=a.mentor, competency=event.competency, text=TEXT)

    add_events(1)  # one written already, so the first page runs the same queries as the second
    client.force_login(a.mentor.user)
    response = get_with_steady_queries(
        client, reverse("venues:mentor_recommendations"), grow=lambda: add_events(6), ceiling=15,
        django_assert_max_num_queries=django_assert_max_num_queries,
    )
    assert len(response.context["pending"]) == 8
    assert len(response.context["written"]) == 7


def _form_url(booking):
    return reverse("venues:recommendation_write", args=[booking.pk])


def test_form_writes_and_redirects(client, held):
    a = held.a
    client.force_login(a.mentor.user)
    assert client.get(_form_url(a.booking)).status_code == 200
    response = client.post(_form_url(a.booking), {"competency": a.event.competency.pk, "text": TEXT})
    assert response.status_code == 302
    assert response.url == reverse("venues:mentor_recommendations")
    assert Recommendation.objects.get().text == TEXT
    # the form opens again with the text to edit
    assert TEXT in client.get(_form_url(a.booking)).content.decode()


def test_form_keeps_the_text_on_refusal(client, held):
    a = held.a
    client.force_login(a.mentor.user)
    response = client.post(_form_url(a.booking), {"competency": a.event.competency.pk, "text": "Кратко."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "не короче 20 символов" in html
    assert "Кратко." in html
    assert not Recommendation.objects.exists()


def test_form_shows_the_colleagues_recommendation_without_a_form(client, held):
    a = held.a
    colleague = MentorFactory(region=a.region)
    a.event.mentors.add(colleague)
    _write(held)
    client.force_login(colleague.user)
    html = client.get(_form_url(a.booking)).content.decode()
    assert "<form method=\"post\" novalidate>" not in html
    assert "другой наставник мероприятия" in html


@pytest.mark.parametrize("who", ["b.mentor", "a.venue_staff", "a.coordinator", "a.student", "a.guardian"])
def test_form_is_404_outside_the_scope(client, held, who):
    group, role = who.split(".")
    client.force_login(getattr(getattr(held, group), role).user)
    url = _form_url(held.a.booking)
    assert client.get(url).status_code == 404
    assert client.post(url, {"competency": held.a.event.competency.pk, "text": TEXT}).status_code == 404
    assert not Recommendation.objects.exists()


def test_form_is_404_for_a_student_not_attended(client, held):
    Booking.objects.filter(pk=held.a.booking.pk).update(status=Booking.Status.NO_SHOW)
    client.force_login(held.a.mentor.user)
    assert client.get(_form_url(held.a.booking)).status_code == 404


# --- reading a recommendation -------------------------------------------------------------------------------------

def _detail(recommendation):
    return reverse("venues:recommendation_detail", args=[recommendation.pk])


@pytest.mark.parametrize("who", ["student", "guardian", "navigator", "mentor", "coordinator"])
def test_readers(client, held, who):
    recommendation = _write(held)
    client.force_login(getattr(held.a, who).user)
    response = client.get(_detail(recommendation))
    assert response.status_code == 200
    assert TEXT in response.content.decode()


def test_curator_of_the_region_reads(client, held):
    recommendation = _write(held)
    client.force_login(held.curator.user)
    assert client.get(_detail(recommendation)).status_code == 200


@pytest.mark.parametrize(
    "who",
    ["a.other_guardian", "a.other_navigator", "a.other_student", "a.venue_staff", "b.coordinator", "b.mentor",
     "b.guardian"],
)
def test_others_get_404(client, held, who):
    recommendation = _write(held)
    group, role = who.split(".")
    client.force_login(getattr(getattr(held, group), role).user)
    assert client.get(_detail(recommendation)).status_code == 404


# --- overdue, for the coordinator ---------------------------------------------------------------------------------

@pytest.fixture
def overdue(world):
    """Region a: the event is overdue with 2 students pending (one mentor); another overdue event at the other venue
    has no mentor; a recent event is not due yet. Region b: one overdue student."""
    a, b = world.a, world.b
    late = world.campaign.recommendation_days + 2
    _held(a.event, days_ago=late)
    BookingFactory(event=a.event, student=a.sibling, status=Booking.Status.ATTENDED)
    written = BookingFactory(event=a.event, student=StudentFactory(school=a.school), status=Booking.Status.ATTENDED)
    Recommendation.objects.create(booking=written, mentor=a.mentor, competency=a.event.competency, text=TEXT)
    BookingFactory(event=a.event, student=StudentFactory(school=a.school), status=Booking.Status.NO_SHOW)
    _held(a.other_event, days_ago=late)
    a.other_booking.refresh_from_db()
    a.recent = _held(EventFactory(venue=a.venue, campaign=world.campaign), days_ago=1)
    a.recent.mentors.add(a.mentor)
    BookingFactory(event=a.recent, student=StudentFactory(school=a.school), status=Booking.Status.ATTENDED)
    _held(b.event, days_ago=late)
    return world


def test_overdue_grouped_per_mentor_and_venue(client, overdue):
    a = overdue.a
    client.force_login(a.coordinator.user)
    response = client.get(reverse("venues:recommendations_overdue"))
    assert response.status_code == 200
    rows = {(r["event__mentors__id"], r["event__venue_id"]): r["overdue"] for r in response.context["rows"]}
    assert rows == {(a.mentor.pk, a.venue.pk): 2, (None, a.other_venue.pk): 1}
    assert response.context["total"] == 3
    html = response.content.decode()
    assert a.mentor.last_name in html and "наставник не назначен" in html


def test_overdue_counts_each_mentor_of_a_shared_event(client, overdue):
    a = overdue.a
    colleague = MentorFactory(region=a.region, last_name="Коллегин")
    a.event.mentors.add(colleague)
    client.force_login(a.coordinator.user)
    response = client.get(reverse("venues:recommendations_overdue"))
    rows = {(r["event__mentors__id"], r["event__venue_id"]): r["overdue"] for r in response.context["rows"]}
    assert rows[(colleague.pk, a.venue.pk)] == 2 and rows[(a.mentor.pk, a.venue.pk)] == 2
    assert response.context["total"] == 3  # students, not mentor-student pairs


def test_overdue_respects_a_campaigns_own_deadline(client, overdue):
    overdue.campaign.recommendation_days = 30
    overdue.campaign.save()
    client.force_login(overdue.a.coordinator.user)
    response = client.get(reverse("venues:recommendations_overdue"))
    assert list(response.context["rows"]) == []
    assert "Просроченных рекомендаций нет" in response.content.decode()


def test_overdue_other_region(client, overdue):
    client.force_login(overdue.b.coordinator.user)
    response = client.get(reverse("venues:recommendations_overdue"))
    assert [(r["event__mentors__id"], r["overdue"]) for r in response.context["rows"]] == [(overdue.b.mentor.pk, 1)]


@pytest.mark.parametrize("who", ["venue_staff", "mentor", "navigator", "guardian"])
def test_overdue_is_404_for_other_roles(client, overdue, who):
    client.force_login(getattr(overdue.a, who).user)
    assert client.get(reverse("venues:recommendations_overdue")).status_code == 404


def test_overdue_query_count_does_not_grow(client, overdue, django_assert_max_num_queries):
    a = overdue.a
    client.force_login(a.coordinator.user)

    def grow():
        for _ in range(5):
            event = _held(EventFactory(venue=a.venue, campaign=overdue.campaign), days_ago=20)
            event.mentors.add(MentorFactory(region=a.region))
            BookingFactory(event=event, student=StudentFactory(school=a.school), status=Booking.Status.ATTENDED)

    response = get_with_steady_queries(
        client, reverse("venues:recommendations_overdue"), grow=grow, ceiling=12,
        django_assert_max_num_queries=django_assert_max_num_queries,
    )
    assert len(response.context["rows"]) == 7
