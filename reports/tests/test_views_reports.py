"""The reports pages (issue 13 §3, §5, §6): asking for a report, its progress (HTMX partial, and a page that
refreshes itself without JavaScript), downloads with their headers and the personal-data log, sending and
accepting, deadlines, the history's query count, the home pages' overdue reports."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bilet.models import PersonalDataAccess
from reports import services
from reports.models import Report, ReportDeadline, ReportSubmission, ReportType

from .conftest import FAKE_PDF, FAKE_XLSX, make_report

pytestmark = pytest.mark.django_db

LAST_MONTH = services.previous_month(timezone.localdate())
NOSCRIPT_REFRESH = '<noscript><meta http-equiv="refresh" content="2"></noscript>'


def _detail(client, report, **headers):
    return client.get(reverse("reports:report_detail", args=[report.pk]), headers=headers)


def test_coordinator_builds_a_report_from_the_form(client, world, renderer, django_capture_on_commit_callbacks):
    client.force_login(world.a.coordinator.user)
    page = client.get(reverse("reports:report_new"))
    assert page.status_code == 200
    body = page.content.decode()
    assert world.a.region.name in body and world.b.region.name not in body
    assert 'value="national"' not in body  # the national summary is for curators and operator staff
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_new"), {
            "report_type": "monthly", "region": world.a.region.pk, "campaign": world.campaign.pk,
            "period": f"{LAST_MONTH:%Y-%m}",
        })
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:report_detail", args=[report.pk])
    assert (report.report_type, report.period, report.state) == ("monthly", LAST_MONTH, "ready")  # eager: built
    assert len(renderer.calls) == 1

    # Asked again: the existing build is offered, not built again.
    response = client.post(reverse("reports:report_new"), {
        "report_type": "monthly", "region": world.a.region.pk, "campaign": world.campaign.pk,
        "period": f"{LAST_MONTH:%m.%Y}",
    }, follow=True)
    assert Report.objects.count() == 1 and len(renderer.calls) == 1
    assert "уже сформирован" in response.content.decode()


def test_form_shows_the_services_refusal(client, world):
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("reports:report_new"), {
        "report_type": "campaign", "region": world.a.region.pk, "campaign": world.campaign.pk, "period": "2026-03",
    })
    assert response.status_code == 200
    assert "Только ежемесячный отчёт составляется за месяц" in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_being_built_polls_and_refreshes_without_javascript(client, world, renderer):
    report = make_report(world, state=Report.State.QUEUED)
    Report.objects.filter(pk=report.pk).update(state="running", progress_stage="формирование PDF", progress_percent=40)
    client.force_login(world.a.coordinator.user)

    page = _detail(client, report).content.decode()
    assert NOSCRIPT_REFRESH in page
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="{reverse("reports:report_detail", args=[report.pk])}"' in page
    assert 'role="progressbar"' in page and 'aria-valuenow="40"' in page
    assert "формирование PDF" in page
    assert "Скачать PDF" not in page

    partial = _detail(client, report, HX_Request="true")
    text = partial.content.decode()
    assert text.lstrip().startswith('<section id="report-status"')
    assert "<html" not in text and 'aria-valuenow="40"' in text and 'hx-trigger="every 1s"' in text
    assert "HX-Request" in partial["Vary"]
    assert "no-cache" in partial["Cache-Control"]


def test_a_finished_report_stops_polling_and_offers_its_files(client, world, renderer):
    report = make_report(world)
    client.force_login(world.a.coordinator.user)
    for response in (_detail(client, report), _detail(client, report, HX_Request="true")):
        text = response.content.decode()
        assert "hx-trigger" not in text and "http-equiv" not in text
        assert reverse("reports:report_download", args=[report.pk, "pdf"]) in text
        assert reverse("reports:report_download", args=[report.pk, "xlsx"]) in text
        assert "Отправить куратору" in text  # the coordinator's form comes with the files


def test_a_failed_report_says_why(client, world, renderer):
    renderer.error = ValueError("Кампания не покрывает этот месяц.")
    report = make_report(world)
    client.force_login(world.curator.user)
    text = _detail(client, report).content.decode()
    assert "Отчёт не удалось сформировать." in text and "Кампания не покрывает этот месяц." in text
    assert 'role="alert"' in text and "hx-trigger" not in text


def test_pdf_download_headers_and_no_log(client, world, renderer):
    report = make_report(world)
    client.force_login(world.curator.user)
    response = client.get(reverse("reports:report_download", args=[report.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="campaign-71.pdf"'
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert not PersonalDataAccess.objects.exists()  # aggregates only


def test_xlsx_download_of_a_regions_lists_is_logged(client, world, renderer):
    report = make_report(world)
    client.force_login(world.a.coordinator.user)
    response = client.get(reverse("reports:report_download", args=[report.pk, "xlsx"]), REMOTE_ADDR="10.1.2.3")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="campaign-71.xlsx"'
    assert b"".join(response.streaming_content) == FAKE_XLSX
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.kind, row.scope, row.query, row.ip_address) == (
        world.a.coordinator.user, "download", world.a.region.name, report.parameters_key, "10.1.2.3",
    )
    assert "XLSX" in row.what and world.a.region.name in row.what


def test_national_xlsx_is_not_logged_and_unknown_files_are_404(client, world, renderer):
    national, _ = services.report_request(
        actor=world.operator, report_type=ReportType.NATIONAL, region=None, campaign=world.campaign
    )
    client.force_login(world.operator)
    assert client.get(reverse("reports:report_download", args=[national.pk, "pdf"])).status_code == 404  # not built
    services.report_build(report_id=national.pk)
    assert client.get(reverse("reports:report_download", args=[national.pk, "xlsx"])).status_code == 200
    assert client.get(reverse("reports:report_download", args=[national.pk, "docx"])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_send_then_accept_through_the_pages(client, world, renderer, django_capture_on_commit_callbacks):
    report = make_report(world, report_type=ReportType.MONTHLY, period=LAST_MONTH)
    client.force_login(world.a.coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_send", args=[report.pk]), {"comment": "Сверено"}, follow=True)
    assert "Отчёт отправлен куратору." in response.content.decode()
    assert "Отправить куратору" not in response.content.decode()
    # The curator is told by email, with the comment and the link.
    (email,) = mail.outbox
    assert email.to == [world.curator.user.email]
    assert email.subject.startswith("Отчёт отправлен куратору: ежемесячный отчёт региона")
    assert "Сверено" in email.body and f"/reports/{report.pk}/" in email.body

    client.force_login(world.curator.user)
    page = _detail(client, report).content.decode()
    assert "Сохранить решение" in page and "Сверено" in page
    response = client.post(reverse("reports:report_review", args=[report.pk]), {"decision": "return"}, follow=True)
    assert "возврат отчёта требует комментария" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_review", args=[report.pk]), {"decision": "accept"}, follow=True)
    assert "Отчёт принят." in response.content.decode()
    assert ReportSubmission.objects.get().state == "accepted"
    assert mail.outbox[-1].to == [world.a.coordinator.user.email]  # the coordinator is told
    assert mail.outbox[-1].subject.startswith("Отчёт принят: ")
    assert len(mail.outbox) == 2  # the refused return told nobody

    client.force_login(world.a.coordinator.user)
    history = client.get(reverse("reports:report_list")).content.decode()
    assert "принят" in history


def test_curator_cannot_send_and_coordinator_cannot_review(client, world, renderer):
    report = make_report(world)
    client.force_login(world.curator.user)
    response = client.post(reverse("reports:report_send", args=[report.pk]), follow=True)
    assert "Отчёты региона отправляет его координатор." in response.content.decode()
    client.force_login(world.a.coordinator.user)
    response = client.post(reverse("reports:report_review", args=[report.pk]), {"decision": "accept"}, follow=True)
    assert "Принимает или возвращает отчёты региона его куратор." in response.content.decode()
    assert not ReportSubmission.objects.exists()


def test_rebuild_through_the_page(client, world, renderer, django_capture_on_commit_callbacks):
    report = make_report(world)
    client.force_login(world.a.coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_rebuild", args=[report.pk]))
    new = Report.objects.get(is_current=True)
    assert new.pk != report.pk and new.state == "ready"
    assert response.url == reverse("reports:report_detail", args=[new.pk])
    old_page = _detail(client, report).content.decode()
    assert "Есть более новая версия этого отчёта." in old_page and "Отправить куратору" not in old_page


def test_curator_sets_a_deadline_and_the_coordinator_reads_it(client, world):
    client.force_login(world.curator.user)
    page = client.get(reverse("reports:deadline_list")).content.decode()
    assert world.a.region.name in page and world.b.region.name not in page
    due = services.last_of_month(LAST_MONTH) + dt.timedelta(days=10)
    response = client.post(reverse("reports:deadline_list"), {
        "region": world.a.region.pk, "period": f"{LAST_MONTH:%Y-%m}", "due_on": due.isoformat(),
    }, follow=True)
    assert "Срок установлен." in response.content.decode()
    assert ReportDeadline.objects.get().due_on == due
    response = client.post(reverse("reports:deadline_list"), {
        "region": world.a.region.pk, "period": f"{LAST_MONTH:%Y-%m}", "due_on": LAST_MONTH.isoformat(),
    })
    assert "позже конца этого месяца" in response.content.decode()

    client.force_login(world.a.coordinator.user)
    page = client.get(reverse("reports:deadline_list")).content.decode()
    assert "Установить срок" not in page and f"{due.day}" in page
    assert client.post(reverse("reports:deadline_list"), {"region": world.a.region.pk}).status_code == 404


def test_overdue_reports_on_both_home_pages(client, world):
    ReportDeadline.objects.create(region=world.a.region, period=LAST_MONTH, due_on=timezone.localdate() - dt.timedelta(days=2))
    for user in (world.a.coordinator.user, world.curator.user):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert "Просроченные ежемесячные отчёты" in page
        assert f"{world.a.region.name}: отчёт за" in page
    client.force_login(world.b.coordinator.user)
    page = client.get(reverse("home")).content.decode()
    assert "Просроченных ежемесячных отчётов нет." in page and f"{world.a.region.name}: отчёт за" not in page


def test_navigation_offers_reports_to_region_roles_only(client, world):
    for user, shown in ((world.a.coordinator.user, True), (world.curator.user, True), (world.operator, True),
                        (world.a.navigator.user, False), (world.a.guardian.user, False)):
        client.force_login(user)
        assert (f'href="{reverse("reports:report_list")}"' in client.get(reverse("home")).content.decode()) is shown


def test_history_lists_within_scope_in_a_fixed_number_of_queries(client, world, renderer):
    client.force_login(world.curator.user)
    mine = make_report(world)
    make_report(world, "b")
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("reports:report_list"))
    body = page.content.decode()
    assert reverse("reports:report_detail", args=[mine.pk]) in body
    assert world.a.region.name in body and world.b.region.name not in body
    make_report(world, report_type=ReportType.MONITORING)
    make_report(world, report_type=ReportType.MONTHLY, period=LAST_MONTH)
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("reports:report_list"))
    assert len(three) == len(one)


def test_a_ready_reports_figures_link_to_the_records_they_count(client, world, renderer):
    report = make_report(world, report_type=ReportType.MONTHLY, period=LAST_MONTH)
    client.force_login(world.a.coordinator.user)
    text = _detail(client, report).content.decode()
    query = f"campaign={world.campaign.pk}&amp;region={world.a.region.code}&amp;period={LAST_MONTH:%Y-%m}"
    assert f'{reverse("reports:figure_list", args=["monthly", "students_registered"])}?{query}' in text
    assert f'{reverse("reports:report_preview", args=["monthly"])}?{query}' in text
    # the list a figure links to answers within the scope
    url = f'{reverse("reports:figure_list", args=["monthly", "students_registered"])}?{query.replace("&amp;", "&")}'
    assert client.get(url).status_code == 200


def test_a_reports_figures_are_listed_in_the_order_of_the_spec(client, world, renderer):
    report = make_report(world)
    Report.objects.filter(pk=report.pk).update(figures={"participations": 2, "students_registered": 5, "x": {}})
    client.force_login(world.a.coordinator.user)
    rows = client.get(reverse("reports:report_detail", args=[report.pk])).context["figure_rows"]
    assert [row["code"] for row in rows] == ["students_registered", "participations"]
