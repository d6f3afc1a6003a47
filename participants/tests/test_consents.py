"""Consents (issue 14 §4, SPEC §3): giving one (version, address), the pre-filled PDF, the paper original, coverage,
withdrawal and its effects on booking, the guardian's view of the personal-data log, and scoping (outsider → 404)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from pypdf import PdfReader

from bilet.models import PersonalDataAccess
from participants.models import Consent, ConsentText, Guardianship, PersonalDataSubject
from participants.services.consents import (
    ConsentError,
    consent_give,
    consent_paper_mark,
    consent_text_current,
    consent_withdraw,
)
from participants.tests.factories import ConsentFactory, StudentFactory
from venues.models import Booking
from venues.services.booking import BookingError, booking_create
from venues.tests.factories import BookingFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(world):
    """A third child of guardian a, at a's school, without a consent."""
    student = StudentFactory(school=world.a.school, last_name="Новикова", first_name="Вера", middle_name="Ильинична")
    Guardianship.objects.create(guardian=world.a.guardian, student=student)
    world.a.guardian.user.last_name, world.a.guardian.user.first_name = "Новиков", "Илья"
    world.a.guardian.user.save()
    return student


# --- giving ----------------------------------------------------------------------------------------------------------


def test_first_consent_text_comes_with_the_migrations():
    text = consent_text_current()
    assert text.version == 1 and "152-ФЗ" in text.text


def test_guardian_gives_consent_keeping_version_address_and_browser(client, world, child):
    client.force_login(world.a.guardian.user)
    page = client.get(reverse("participants:consent_give", args=[child.pk]))
    assert page.status_code == 200
    assert consent_text_current().text[:60] in page.content.decode()
    response = client.post(
        reverse("participants:consent_give", args=[child.pk]), {"text_version": 1, "agree": "on"},
        REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Mozilla/5.0 Test",
    )
    assert response.status_code == 302
    consent = Consent.objects.get(student=child)
    assert consent.text_version.version == 1
    assert consent.ip_address == "203.0.113.7"
    assert consent.user_agent == "Mozilla/5.0 Test"
    assert consent.guardian == world.a.guardian
    assert consent.given_by_name == "Новиков Илья"
    assert consent.method == Consent.Method.ELECTRONIC


def test_the_box_must_be_ticked(client, world, child):
    client.force_login(world.a.guardian.user)
    response = client.post(reverse("participants:consent_give", args=[child.pk]), {"text_version": 1})
    assert response.status_code == 200
    assert "Отметьте" in response.content.decode()
    assert not Consent.objects.filter(student=child).exists()


def test_a_consent_keeps_the_version_it_was_given_under(world, child):
    consent = consent_give(actor=world.a.guardian.user, student=child, text_version=1, agreed=True)
    ConsentText.objects.create(version=2, text="Новая редакция", effective_from=timezone.now())
    consent.refresh_from_db()
    assert consent.text_version.version == 1
    assert consent_text_current().version == 2


@pytest.mark.parametrize("case,message", [
    ("not_agreed", "Отметьте"),
    ("stale_version", "текст согласия изменился"),
    ("in_force", "уже действует"),
    ("not_guardian", "Только родитель"),
    ("anonymised", "удалены"),
])
def test_giving_refusals(world, child, case, message):
    actor, student, version, agreed = world.a.guardian.user, child, 1, True
    if case == "not_agreed":
        agreed = False
    elif case == "stale_version":
        ConsentText.objects.create(version=2, text="Новая редакция", effective_from=timezone.now())
    elif case == "in_force":
        student = world.a.student
    elif case == "not_guardian":
        actor = world.b.guardian.user
    elif case == "anonymised":
        type(child).objects.filter(pk=child.pk).update(anonymised_at=timezone.now())
    with override("ru"), pytest.raises(ConsentError) as refusal:
        consent_give(actor=actor, student=student, text_version=version, agreed=agreed)
    assert message.lower() in str(refusal.value).lower()


def test_children_page_lists_each_childs_state(client, world, child):
    Consent.objects.filter(student=world.a.sibling).update(withdrawn_at=timezone.now())
    client.force_login(world.a.guardian.user)
    body = client.get(reverse("participants:consent_children")).content.decode()
    for student in (world.a.student, world.a.sibling, child):
        assert student.last_name in body
    assert "согласие действует" in body and "согласие отозвано" in body and "нет согласия" in body
    assert world.a.other_student.last_name not in body
    assert "будут обезличены" in body


# --- the PDF form ----------------------------------------------------------------------------------------------------


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_guardian_downloads_the_prefilled_form_and_the_download_is_logged(client, world, child):
    consent_give(actor=world.a.guardian.user, student=child, text_version=1, agreed=True)
    client.force_login(world.a.guardian.user)
    response = client.get(reverse("participants:consent_form", args=[child.pk]))
    assert response.status_code == 200
    text = " ".join(_pdf_text(response).split())
    assert "Новикова Вера Ильинична" in text
    assert "Новиков Илья" in text
    assert world.a.school.name in text
    assert "Версия текста 1" in text
    assert "подпись законного представителя" in text
    row = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.DOWNLOAD)
    assert row.user == world.a.guardian.user and row.row_count == 1
    assert list(row.subjects.values_list("student_id", flat=True)) == [child.pk]


@pytest.mark.parametrize("role,attr,status", [
    ("navigator", "student", 200),
    ("coordinator", "student", 200),
    ("navigator", "other_student", 404),  # another school
    ("guardian", "other_student", 404),  # another family
    ("student", "student", 404),
    ("venue_staff", "student", 404),
    ("curator", "student", 404),
])
def test_form_download_scope(client, world, role, attr, status):
    user = world.curator.user if role == "curator" else getattr(world.a, role).user
    client.force_login(user)
    response = client.get(reverse("participants:consent_form", args=[getattr(world.a, attr).pk]))
    assert response.status_code == status
    assert PersonalDataAccess.objects.filter(kind="download").count() == (1 if status == 200 else 0)


# --- the paper original ----------------------------------------------------------------------------------------------


def test_navigator_marks_the_paper_original_from_the_class_list(client, world):
    client.force_login(world.a.navigator.user)
    listing = client.get(reverse("participants:student_list"))
    assert "Оригинал получен сегодня" in listing.content.decode()
    today = timezone.localdate()
    response = client.post(
        reverse("participants:consent_paper", args=[world.a.student.pk]),
        {"received_on": today.isoformat(), "next": reverse("participants:student_list")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("participants:student_list")
    consent = Consent.objects.get(student=world.a.student)
    assert consent.paper_received_on == today and consent.paper_received_by == world.a.navigator.user


def test_coordinator_marks_the_paper_original_from_the_student_page(client, world):
    client.force_login(world.a.coordinator.user)
    page = client.get(reverse("participants:student_detail", args=[world.a.other_student.pk])).content.decode()
    assert reverse("participants:consent_paper", args=[world.a.other_student.pk]) in page
    client.post(
        reverse("participants:consent_paper", args=[world.a.other_student.pk]),
        {"received_on": timezone.localdate().isoformat()},
    )
    assert Consent.objects.get(student=world.a.other_student).paper_received_by == world.a.coordinator.user


def test_the_next_address_must_be_the_portals(client, world):
    client.force_login(world.a.navigator.user)
    response = client.post(
        reverse("participants:consent_paper", args=[world.a.student.pk]),
        {"received_on": timezone.localdate().isoformat(), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("participants:student_detail", args=[world.a.student.pk])


@pytest.mark.parametrize("role,attr", [
    ("navigator", "other_student"),  # another school's navigator
    ("guardian", "student"),  # a guardian does not mark originals
    ("curator", "student"),
    ("venue_staff", "student"),
])
def test_paper_mark_outside_scope_is_404(client, world, role, attr):
    client.force_login(world.curator.user if role == "curator" else getattr(world.a, role).user)
    student = getattr(world.a, attr)
    response = client.post(
        reverse("participants:consent_paper", args=[student.pk]), {"received_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 404
    assert Consent.objects.get(student=student).paper_received_on is None


def test_another_regions_coordinator_gets_404(client, world):
    client.force_login(world.b.coordinator.user)
    url = reverse("participants:consent_paper", args=[world.a.student.pk])
    assert client.post(url, {"received_on": timezone.localdate().isoformat()}).status_code == 404


@pytest.mark.parametrize("case,message", [
    ("future", "не может быть в будущем"),
    ("before_given", "раньше, чем"),
    ("twice", "уже отмечен"),
    ("withdrawn", "отозвано"),
])
def test_paper_mark_refusals(world, case, message):
    consent = Consent.objects.get(student=world.a.student)
    day = timezone.localdate()
    if case == "future":
        day += dt.timedelta(days=1)
    elif case == "before_given":
        day -= dt.timedelta(days=3)
    elif case == "twice":
        consent_paper_mark(actor=world.a.navigator.user, consent=consent, received_on=day)
    elif case == "withdrawn":
        consent.withdrawn_at = timezone.now()
        consent.save()
    with override("ru"), pytest.raises(ConsentError) as refusal:
        consent_paper_mark(actor=world.a.navigator.user, consent=consent, received_on=day)
    assert message in str(refusal.value)


# --- coverage --------------------------------------------------------------------------------------------------------


def test_coverage_per_school_and_municipality(client, world, child):
    # school 1: student, sibling (consents), child (none); one original received. school 2: other_student (consent).
    consent_paper_mark(
        actor=world.a.navigator.user, consent=Consent.objects.get(student=world.a.student),
        received_on=timezone.localdate(),
    )
    world.campaign.paper_deadline = timezone.localdate() - dt.timedelta(days=1)
    world.campaign.save()
    from participants.selectors import consent_coverage

    municipalities, schools = consent_coverage(user=world.a.coordinator.user)
    rows = {r.name: (r.students, r.consents, r.papers, r.consent_share, r.missing_papers) for r in schools}
    assert rows == {
        world.a.school.short_name: (3, 2, 1, 66.7, 1),
        world.a.other_school.short_name: (1, 1, 0, 100.0, 1),
    }
    assert {r.name: r.students for r in municipalities} == {world.a.municipality.name: 3, world.a.other_municipality.name: 1}
    client.force_login(world.a.coordinator.user)
    body = client.get(reverse("participants:consent_coverage")).content.decode()
    assert "просрочено" in body and 'class="text-bad"' in body
    assert "66,7" in body
    assert world.b.school.short_name not in body


def test_coverage_before_the_deadline_is_not_overdue(client, world):
    world.campaign.paper_deadline = timezone.localdate() + dt.timedelta(days=5)
    world.campaign.save()
    client.force_login(world.a.coordinator.user)
    body = client.get(reverse("participants:consent_coverage")).content.decode()
    assert "просрочено" not in body and "Срок сдачи бумажных оригиналов" in body


@pytest.mark.parametrize("role", ["navigator", "guardian", "student", "venue_staff", "mentor", "curator"])
def test_coverage_is_for_coordinators(client, world, role):
    client.force_login(world.curator.user if role == "curator" else getattr(world.a, role).user)
    assert client.get(reverse("participants:consent_coverage")).status_code == 404


# --- withdrawal ------------------------------------------------------------------------------------------------------


def test_withdrawal_blocks_booking_and_cancels_future_bookings_only(client, world, django_capture_on_commit_callbacks):
    a = world.a
    past = EventFactory(venue=a.venue, campaign=world.campaign, online=True, title="Прошедшая проба",
                        starts_at=timezone.now() - dt.timedelta(days=5))
    attended = BookingFactory(event=past, student=a.student, status=Booking.Status.ATTENDED)
    # a.student's booking on a.event (next week) is confirmed; a full online event with a waiting student
    full = EventFactory(venue=a.venue, campaign=world.campaign, online=True, capacity=1, title="Полная проба",
                        starts_at=timezone.now() + dt.timedelta(days=9))
    assert booking_create(actor=a.student.user, event=full, student=a.student).status == "confirmed"
    assert booking_create(actor=a.guardian.user, event=full, student=a.sibling).status == "waitlisted"
    mail.outbox.clear()
    client.force_login(a.guardian.user)
    assert client.get(reverse("participants:consent_withdraw", args=[a.student.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participants:consent_withdraw", args=[a.student.pk]))
    assert response.status_code == 302
    assert Consent.objects.get(student=a.student).withdrawn_at is not None
    assert Booking.objects.get(pk=a.booking.pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(event=full, student=a.student).status == Booking.Status.CANCELLED
    assert Booking.objects.get(event=full, student=a.sibling).status == Booking.Status.CONFIRMED  # promoted
    attended.refresh_from_db()
    assert attended.status == Booking.Status.ATTENDED
    notices = [m for m in mail.outbox if "отозвано" in m.subject]
    assert {m.to[0] for m in notices} == {a.student.user.email, a.guardian.user.email}
    assert all("Полная проба" in m.body and a.event.title in m.body for m in notices)
    assert all("Прошедшая проба" not in m.body for m in notices)
    other = EventFactory(venue=a.venue, campaign=world.campaign, online=True,
                         starts_at=timezone.now() + dt.timedelta(days=12))
    with override("ru"), pytest.raises(BookingError) as refusal:
        booking_create(actor=a.guardian.user, event=other, student=a.student)
    assert refusal.value.rule == "consent"
    assert "действующее согласие на обработку персональных данных" in refusal.value.message


def test_withdrawal_reports_a_booking_past_its_cancellation_deadline(world, django_capture_on_commit_callbacks):
    a = world.a
    soon = EventFactory(venue=a.venue, campaign=world.campaign, online=True, title="Завтрашняя проба",
                        starts_at=timezone.now() + dt.timedelta(hours=2))
    BookingFactory(event=soon, student=a.sibling)
    with override("ru"):
        outcome = consent_withdraw(actor=a.guardian.user, student=a.sibling)
    assert outcome.cancelled == []
    assert [title for title, _ in outcome.kept] == ["Завтрашняя проба"]
    assert "отменить запись можно" in outcome.kept[0][1].lower()


@pytest.mark.parametrize("case,message", [("not_guardian", "Только родитель"), ("none", "нет действующего")])
def test_withdrawal_refusals(world, child, case, message):
    actor, student = (world.b.guardian.user, world.a.student) if case == "not_guardian" else (world.a.guardian.user, child)
    with override("ru"), pytest.raises(ConsentError) as refusal:
        consent_withdraw(actor=actor, student=student)
    assert message in str(refusal.value)


# --- the guardian's view of the log ----------------------------------------------------------------------------------


def test_guardian_sees_who_viewed_their_child_and_nothing_else(client, world):
    a = world.a
    client.force_login(a.navigator.user)
    client.get(reverse("participants:student_detail", args=[a.student.pk]))
    client.get(reverse("participants:student_detail", args=[a.sibling.pk]))
    client.get(reverse("participants:student_list") + "?q=Студентова")  # a list: not linked to a child
    client.force_login(a.coordinator.user)
    client.get(reverse("participants:consent_form", args=[a.student.pk]))
    client.force_login(a.guardian.user)
    response = client.get(reverse("participants:child_data_log", args=[a.student.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Педагог-навигатор" in body and a.school.short_name in body
    assert "Региональный координатор" in body and a.region.name in body
    assert "Страница участника" in body and "Форма согласия (PDF)" in body
    assert a.navigator.user.email not in body and a.coordinator.user.email not in body
    assert body.count("<tr>") == 1 + 2  # the header and two rows: the sibling's page and the list are not here
    assert PersonalDataSubject.objects.filter(student=a.sibling).count() == 1


@pytest.mark.parametrize("url_name", ["consent_give", "consent_withdraw", "child_data_log"])
@pytest.mark.parametrize("attr", ["other_student", "b_student"])
def test_family_pages_of_another_family_are_404(client, world, url_name, attr):
    student = world.b.student if attr == "b_student" else world.a.other_student
    client.force_login(world.a.guardian.user)
    assert client.get(reverse(f"participants:{url_name}", args=[student.pk])).status_code == 404
    assert client.post(reverse(f"participants:{url_name}", args=[student.pk])).status_code == 404
    assert Consent.objects.get(student=student).withdrawn_at is None


@pytest.mark.parametrize("role", ["navigator", "coordinator", "student", "venue_staff", "mentor", "curator"])
def test_family_pages_are_for_guardians(client, world, role):
    client.force_login(world.curator.user if role == "curator" else getattr(world.a, role).user)
    assert client.get(reverse("participants:consent_children")).status_code == 404
    assert client.get(reverse("participants:child_data_log", args=[world.a.student.pk])).status_code == 404


# --- query counts of the lists ---------------------------------------------------------------------------------------


def test_list_pages_query_counts_do_not_grow(client, world, django_assert_max_num_queries):
    for n in range(6):  # more children, more schools' students, more log rows
        extra = StudentFactory(school=world.a.school if n % 2 else world.a.other_school)
        Guardianship.objects.create(guardian=world.a.guardian, student=extra)
        ConsentFactory(student=extra)
    client.force_login(world.a.navigator.user)
    for n in range(5):
        client.get(reverse("participants:student_detail", args=[world.a.student.pk]))
    pages = [
        (world.a.guardian.user, reverse("participants:consent_children"), 8),
        (world.a.guardian.user, reverse("participants:child_data_log", args=[world.a.student.pk]), 9),
        (world.a.coordinator.user, reverse("participants:consent_coverage"), 9),
        (world.a.coordinator.user, reverse("participants:destruction_acts"), 8),
    ]
    for user, url, limit in pages:
        client.force_login(user)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
