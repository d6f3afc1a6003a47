"""The scoping matrix: reports, their files and downloads, and a curator's national summary (issue 13 §2c, §8)."""

import pytest
from django.urls import reverse

from .matrix import ROLES, user_of


# --- Reports (issue 13 §8): a report, its files and its downloads only within the scope ---------------------------------
REPORT_PAGES = [
    ("get", "reports:report_detail", []),
    ("get", "reports:report_download", ["pdf"]),
    ("get", "reports:report_download", ["xlsx"]),
    ("post", "reports:report_rebuild", []),
    ("post", "reports:report_send", []),
    ("post", "reports:report_review", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,url_name,extra", REPORT_PAGES)
def test_other_regions_report_and_files_are_404(client, matrix_world, role, method, url_name, extra):
    from bilet.models import PersonalDataAccess
    from reports.models import Report, ReportSubmission

    client.force_login(user_of(matrix_world, "a", role))
    report = matrix_world.b.report
    data = {"decision": "accept", "comment": "ok"} if method == "post" else None
    response = getattr(client, method)(reverse(url_name, args=[report.pk, *extra]), data)
    assert response.status_code == 404, f"{role} reached {url_name} of region b"
    assert Report.objects.filter(region=matrix_world.b.region).count() == 1
    assert ReportSubmission.objects.get(region=matrix_world.b.region).state == "sent"
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["navigator", "venue_staff", "mentor", "guardian", "student"])
@pytest.mark.parametrize("url_name,extra", [("reports:report_detail", []), ("reports:report_download", ["pdf"])])
def test_own_regions_report_is_404_for_roles_without_reports(client, matrix_world, role, url_name, extra):
    client.force_login(user_of(matrix_world, "a", role))
    assert client.get(reverse(url_name, args=[matrix_world.a.report.pk, *extra])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator"])
@pytest.mark.parametrize("url_name,extra", [("reports:report_detail", []), ("reports:report_download", ["pdf"])])
def test_own_regions_report_is_reachable(client, matrix_world, role, url_name, extra):
    client.force_login(user_of(matrix_world, "a", role))
    assert client.get(reverse(url_name, args=[matrix_world.a.report.pk, *extra])).status_code == 200


@pytest.mark.django_db
def test_the_summary_of_every_region_is_operator_staffs_only(client, matrix_world):
    from reports import services
    from reports.models import ReportType

    national, _ = services.report_request(
        actor=matrix_world.operator, report_type=ReportType.NATIONAL, region=None, campaign=matrix_world.campaign
    )
    for role in ("coordinator", "curator"):
        client.force_login(user_of(matrix_world, "a", role))
        assert client.get(reverse("reports:report_detail", args=[national.pk])).status_code == 404
    client.force_login(matrix_world.operator)
    assert client.get(reverse("reports:report_detail", args=[national.pk])).status_code == 200


# --- A curator's national summary (issue 13 §2c): their regions side by side, reachable by them only ------------------


@pytest.fixture
def summary_world(matrix_world):
    """Each region's curator has built the national summary of their regions (region a's curator: a; region b's: b),
    and operator staff that of every region (stand-in files)."""
    from regions.tests.factories import CuratorFactory, UserFactory
    from reports import services
    from reports.models import ReportType

    w = matrix_world
    w.b.curator = CuratorFactory(user=UserFactory(email="curator67@test.example"), regions=[w.b.region])
    for side, user in (("a", w.curator.user), ("b", w.b.curator.user), ("all", w.operator)):
        summary, _ = services.report_request(actor=user, report_type=ReportType.NATIONAL, region=None,
                                             campaign=w.campaign)
        setattr(w, f"summary_{side}", services.report_build(report_id=summary.pk))
    return w


SUMMARY_PAGES = [
    ("get", "reports:report_detail", []),
    ("get", "reports:report_download", ["pdf"]),
    ("get", "reports:report_download", ["xlsx"]),
    ("post", "reports:report_rebuild", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,url_name,extra", SUMMARY_PAGES)
def test_another_curators_summary_and_its_files_are_404(client, summary_world, role, method, url_name, extra):
    """Region b's curator's summary, and operator staff's summary of every region (b among them), to every role of
    region a — its curator included."""
    from reports.models import Report

    client.force_login(user_of(summary_world, "a", role))
    for summary in (summary_world.summary_b, summary_world.summary_all):
        response = getattr(client, method)(reverse(url_name, args=[summary.pk, *extra]))
        assert response.status_code == 404, f"{role} reached {url_name} of {summary.parameters_label}"
    assert Report.objects.filter(report_type="national").count() == 3  # nothing rebuilt


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "curator"])
@pytest.mark.parametrize("method,url_name,extra", SUMMARY_PAGES)
def test_a_curators_summary_is_404_to_the_other_roles_of_the_region(client, summary_world, role, method, url_name,
                                                                    extra):
    client.force_login(user_of(summary_world, "a", role))
    response = getattr(client, method)(reverse(url_name, args=[summary_world.summary_a.pk, *extra]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("side", ["a", "b"])
def test_each_curator_reaches_their_own_summary_its_files_and_its_history(client, summary_world, side):
    from reports.models import Report

    w = summary_world
    mine, theirs = (w.summary_a, w.summary_b) if side == "a" else (w.summary_b, w.summary_a)
    client.force_login(getattr(w, side).curator.user if side == "b" else w.curator.user)
    page = client.get(reverse("reports:report_detail", args=[mine.pk]))
    assert page.status_code == 200 and getattr(w, side).region.name in page.content.decode()
    for kind in ("pdf", "xlsx"):
        assert client.get(reverse("reports:report_download", args=[mine.pk, kind])).status_code == 200
    history = list(client.get(reverse("reports:report_list")).context["page_obj"])
    assert mine in history and theirs not in history and w.summary_all not in history
    response = client.post(reverse("reports:report_rebuild", args=[mine.pk]))
    rebuilt = Report.objects.get(parameters_key=mine.parameters_key, is_current=True)
    assert response.status_code == 302 and rebuilt.pk != mine.pk
    assert list(rebuilt.regions.values_list("code", flat=True)) == [getattr(w, side).code]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_summary_page_shows_a_curator_their_regions_and_nobody_else_any(client, summary_world, role):
    client.force_login(user_of(summary_world, "a", role))
    response = client.get(reverse("reports:report_preview", args=["national"]))
    if role != "curator":
        assert response.status_code == 404
        return
    assert [row.region.code for row in response.context["report"].rows] == ["71"]
    body = response.content.decode()
    assert summary_world.a.region.name in body and summary_world.b.region.name not in body
