"""The monthly report's way to the operator (issue 13 §6): the curator's deadline, the coordinator's sending, the
curator's acceptance or return — each rule and refusal, the history, and "overdue"."""

import datetime as dt

import pytest
from django.utils import timezone

from regions.tests.factories import CuratorFactory, UserFactory
from reports import selectors, services
from reports.models import Report, ReportDeadline, ReportSubmission, ReportSubmissionEvent, ReportType
from reports.services import ReportError, report_accept, report_deadline_set, report_return, report_send

from .conftest import make_report

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_MONTH = services.previous_month(TODAY)


def _state(user, report) -> str:
    return selectors.report_get(user=user, pk=report.pk).submission_state


# --- deadlines ------------------------------------------------------------------------------------------------------


def test_curator_sets_and_moves_a_deadline(world):
    due = services.last_of_month(LAST_MONTH) + dt.timedelta(days=5)
    deadline = report_deadline_set(actor=world.curator.user, region=world.a.region, period=LAST_MONTH, due_on=due)
    assert (deadline.due_on, deadline.set_by) == (due, world.curator.user)
    moved = report_deadline_set(
        actor=world.curator.user, region=world.a.region, period=LAST_MONTH + dt.timedelta(days=3),
        due_on=due + dt.timedelta(days=2),
    )
    assert moved.pk == deadline.pk and moved.period == LAST_MONTH and moved.due_on == due + dt.timedelta(days=2)


@pytest.mark.parametrize("who", ["coordinator", "other_curator"])
def test_only_the_regions_curator_sets_deadlines(world, who):
    actor = world.a.coordinator.user if who == "coordinator" else CuratorFactory(regions=[world.b.region]).user
    with pytest.raises(ReportError, match="устанавливает его куратор"):
        report_deadline_set(actor=actor, region=world.a.region, period=LAST_MONTH, due_on=TODAY + dt.timedelta(days=9))


def test_a_deadline_within_the_month_is_refused(world):
    with pytest.raises(ReportError, match="позже конца этого месяца"):
        report_deadline_set(
            actor=world.curator.user, region=world.a.region, period=LAST_MONTH, due_on=services.last_of_month(LAST_MONTH)
        )


# --- sending, accepting, returning -------------------------------------------------------------------------------------


def test_send_accept_with_history(world, renderer):
    report = make_report(world, report_type=ReportType.MONTHLY, period=LAST_MONTH)
    assert _state(world.a.coordinator.user, report) == "not_sent"
    report_send(actor=world.a.coordinator.user, report=report, comment="Данные сверены.")
    assert _state(world.curator.user, report) == "sent"
    report_accept(actor=world.curator.user, report=report)
    assert _state(world.a.coordinator.user, report) == "accepted"
    events = list(selectors.submission_events(report=report))
    assert [(e.action, e.actor, e.comment) for e in events] == [
        ("sent", world.a.coordinator.user, "Данные сверены."),
        ("accepted", world.curator.user, ""),
    ]


def test_returned_report_is_rebuilt_and_sent_again(world, renderer):
    report = make_report(world)
    report_send(actor=world.a.coordinator.user, report=report)
    report_return(actor=world.curator.user, report=report, comment="Нет данных о наставниках.")
    assert _state(world.a.coordinator.user, report) == "returned"
    with pytest.raises(ReportError, match="более новая"):
        rebuilt, _ = services.report_request(
            actor=world.a.coordinator.user, report_type=report.report_type, region=report.region,
            campaign=report.campaign, rebuild=True,
        )
        report_send(actor=world.a.coordinator.user, report=Report.objects.get(pk=report.pk))
    services.report_build(report_id=rebuilt.pk)
    report_send(actor=world.a.coordinator.user, report=Report.objects.get(pk=rebuilt.pk), comment="Исправлено.")
    submission = ReportSubmission.objects.get()
    assert (submission.state, submission.report_id) == ("sent", rebuilt.pk)
    assert list(submission.events.values_list("action", "report_id")) == [
        ("sent", report.pk), ("returned", report.pk), ("sent", rebuilt.pk),
    ]
    with pytest.raises(ReportError, match="Отправлена другая версия"):
        report_accept(actor=world.curator.user, report=report)


@pytest.mark.parametrize("who", ["curator", "coordinator_b", "operator", "navigator"])
def test_only_the_regions_coordinator_sends(world, renderer, who):
    report = make_report(world)
    actor = {"curator": world.curator.user, "coordinator_b": world.b.coordinator.user, "operator": world.operator,
             "navigator": world.a.navigator.user}[who]
    with pytest.raises(ReportError, match="отправляет его координатор"):
        report_send(actor=actor, report=report)
    assert not ReportSubmission.objects.exists()


def test_send_refusals(world, renderer):
    queued = make_report(world, report_type=ReportType.MONITORING, state=Report.State.QUEUED)
    with pytest.raises(ReportError, match="ещё не сформирован"):
        report_send(actor=world.a.coordinator.user, report=queued)
    national, _ = services.report_request(
        actor=world.operator, report_type=ReportType.NATIONAL, region=None, campaign=world.campaign
    )
    with pytest.raises(ReportError, match="только отчёт региона"):
        report_send(actor=world.a.coordinator.user, report=national)
    report = make_report(world)
    report_send(actor=world.a.coordinator.user, report=report)
    with pytest.raises(ReportError, match="уже отправлен"):
        report_send(actor=world.a.coordinator.user, report=report)
    report_accept(actor=world.curator.user, report=report)
    with pytest.raises(ReportError, match="уже принял"):
        report_send(actor=world.a.coordinator.user, report=report)
    assert ReportSubmissionEvent.objects.count() == 2


@pytest.mark.parametrize("who", ["coordinator", "other_curator"])
def test_only_the_regions_curator_reviews(world, renderer, who):
    report = make_report(world)
    report_send(actor=world.a.coordinator.user, report=report)
    actor = world.a.coordinator.user if who == "coordinator" else CuratorFactory(
        user=UserFactory(), regions=[world.b.region]).user
    with pytest.raises(ReportError, match="Принимает или возвращает"):
        report_accept(actor=actor, report=report)
    with pytest.raises(ReportError, match="Принимает или возвращает"):
        report_return(actor=actor, report=report, comment="нет")
    assert ReportSubmission.objects.get().state == "sent"


def test_review_refusals(world, renderer):
    report = make_report(world)
    with pytest.raises(ReportError, match="Отчёт не отправлен"):
        report_accept(actor=world.curator.user, report=report)
    report_send(actor=world.a.coordinator.user, report=report)
    with pytest.raises(ReportError, match="требует комментария"):
        report_return(actor=world.curator.user, report=report, comment="  ")
    report_accept(actor=world.curator.user, report=report)
    with pytest.raises(ReportError, match="Отчёт не отправлен"):
        report_return(actor=world.curator.user, report=report, comment="Поздно")


# --- overdue ------------------------------------------------------------------------------------------------------------


def test_overdue_until_sent_and_again_when_returned(world, renderer):
    report = make_report(world, report_type=ReportType.MONTHLY, period=LAST_MONTH)
    ReportDeadline.objects.create(region=world.a.region, period=LAST_MONTH, due_on=TODAY - dt.timedelta(days=1))
    ReportDeadline.objects.create(region=world.b.region, period=LAST_MONTH, due_on=TODAY + dt.timedelta(days=1))
    coordinator = world.a.coordinator.user
    assert _state(coordinator, report) == "overdue"
    assert [d.region for d in selectors.overdue_deadlines(user=world.curator.user)] == [world.a.region]
    assert [d.region for d in selectors.overdue_deadlines(user=world.operator)] == [world.a.region]
    assert list(selectors.overdue_deadlines(user=world.b.coordinator.user)) == []  # b's is not due yet
    report_send(actor=coordinator, report=report)
    assert _state(coordinator, report) == "sent"
    assert list(selectors.overdue_deadlines(user=world.curator.user)) == []
    report_return(actor=world.curator.user, report=report, comment="Исправьте раздел 3.")
    assert _state(coordinator, report) == "overdue"
    assert len(selectors.overdue_deadlines(user=coordinator)) == 1


def test_a_deadline_without_any_report_is_overdue(world):
    ReportDeadline.objects.create(region=world.b.region, period=LAST_MONTH, due_on=TODAY - dt.timedelta(days=3))
    assert [d.submission_state for d in selectors.deadline_list(user=world.b.coordinator.user)] == ["overdue"]
    assert list(selectors.overdue_deadlines(user=world.a.coordinator.user)) == []  # another region's


def test_a_returned_report_is_labelled_in_the_masculine(world, renderer):
    report = make_report(world)
    report_send(actor=world.a.coordinator.user, report=report)
    report_return(actor=world.curator.user, report=report, comment="Исправьте.")
    assert [str(e.get_action_display()) for e in selectors.submission_events(report=report)] == [
        "отправлен куратору", "возвращён на доработку",
    ]


# --- the curator's decision reaches the coordinators as a notification (issue 15 §6) -----------------------------------


def _unread(user) -> int:
    from bilet.notifications import unread_count

    return unread_count(user=user)


def test_accepted_and_returned_reports_notify_the_regions_coordinators(world, renderer,
                                                                       django_capture_on_commit_callbacks):
    from django.core import mail
    from django.urls import reverse

    from bilet.models import Notification, NotificationKind
    from regions.tests.factories import CoordinatorFactory

    coordinator = world.a.coordinator.user
    second = CoordinatorFactory(region=world.a.region, user=UserFactory(email="coordinator71b@test.example")).user
    monthly = make_report(world, report_type=ReportType.MONTHLY, period=LAST_MONTH)
    campaign = make_report(world)
    for report in (monthly, campaign):
        report_send(actor=coordinator, report=report)
    before = {user: _unread(user) for user in (coordinator, second, world.b.coordinator.user, world.curator.user)}
    with django_capture_on_commit_callbacks(execute=True):
        report_accept(actor=world.curator.user, report=monthly, comment="Спасибо")
        report_return(actor=world.curator.user, report=campaign, comment="Нет данных о наставниках.")
    for user in (coordinator, second):
        assert _unread(user) == before[user] + 2
    assert _unread(world.b.coordinator.user) == before[world.b.coordinator.user]  # another region's: nothing
    assert _unread(world.curator.user) == before[world.curator.user]
    told = Notification.objects.filter(recipient=coordinator).order_by("pk")
    accepted, returned = told.filter(kind__in=[NotificationKind.REPORT_ACCEPTED, NotificationKind.REPORT_RETURNED])
    assert (accepted.kind, accepted.link) == ("report_accepted", reverse("reports:report_detail", args=[monthly.pk]))
    assert accepted.text == f"Куратор принял отчёт «{monthly}». Комментарий: Спасибо"
    assert (returned.kind, returned.link) == ("report_returned", reverse("reports:report_detail", args=[campaign.pk]))
    assert returned.text == f"Куратор вернул отчёт «{campaign}» на доработку: Нет данных о наставниках."
    emails = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert emails == [
        ("coordinator71@test.example", "Отчёт возвращён на доработку"), ("coordinator71@test.example", "Отчёт принят"),
        ("coordinator71b@test.example", "Отчёт возвращён на доработку"), ("coordinator71b@test.example", "Отчёт принят"),
    ]
    assert f"/reports/{monthly.pk}/" in next(m.body for m in mail.outbox if m.subject.startswith("Отчёт принят"))


def test_a_coordinator_who_turned_off_one_kinds_email_still_sees_the_notification(
        world, renderer, django_capture_on_commit_callbacks):
    from django.core import mail

    from bilet.models import NotificationKind
    from bilet.notifications import email_preferences_set

    coordinator = world.a.coordinator.user
    email_preferences_set(user=coordinator, email_kinds=[k for k in NotificationKind.values if k != "report_returned"])
    returned, accepted = make_report(world), make_report(world, report_type=ReportType.MONTHLY, period=LAST_MONTH)
    for report in (returned, accepted):
        report_send(actor=coordinator, report=report)
    before = _unread(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        report_return(actor=world.curator.user, report=returned, comment="Уточните охват.")
    assert _unread(coordinator) == before + 1
    assert mail.outbox == []  # the returned kind's email is off
    with django_capture_on_commit_callbacks(execute=True):
        report_accept(actor=world.curator.user, report=accepted)
    assert _unread(coordinator) == before + 2
    assert [(m.to, m.subject.split(":")[0]) for m in mail.outbox] == [([coordinator.email], "Отчёт принят")]


def test_a_refused_review_tells_nobody(world, renderer, django_capture_on_commit_callbacks):
    from bilet.models import Notification

    report = make_report(world)
    report_send(actor=world.a.coordinator.user, report=report)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ReportError):
        report_return(actor=world.curator.user, report=report, comment="  ")
    other_curator = CuratorFactory(user=UserFactory(), regions=[world.b.region]).user
    with pytest.raises(ReportError):
        report_accept(actor=other_curator, report=report)
    assert not Notification.objects.filter(kind__startswith="report_").exists()
