"""The scoping matrix (issue 3 "Done means", SPEC §2).

Every role of region "a" against every scoped page of records it must not reach — region "b"'s, and inside region
"a" another school's, venue's or family's: details answer 404 (the same as "does not exist"), and lists, searches,
filters and exports never show them.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from venues.models import Booking, MentorDocument, Recommendation

ROLES = ["coordinator", "curator", "navigator", "venue_staff", "mentor", "guardian", "student"]

# Detail pages: (url name, attribute of a region world holding the object).
DETAILS = [
    ("regions:municipality_detail", "municipality"),
    ("regions:school_detail", "school"),
    ("participants:navigator_detail", "navigator"),
    ("participants:student_detail", "student"),
    ("venues:venue_detail", "venue"),
    ("venues:mentor_detail", "mentor"),
    ("venues:event_manage_detail", "event"),
    ("venues:event_attendance", "event"),
    ("venues:recommendation_detail", "recommendation"),
    ("venues:contract_detail", "venue"),
    ("venues:contract_detail", "other_venue"),
    # Consents (issue 14 §4): a guardian's pages about a child, the pre-filled form
    ("participants:consent_give", "student"),
    ("participants:consent_withdraw", "student"),
    ("participants:child_data_log", "student"),
    ("participants:consent_form", "student"),
]

LISTS = [
    "regions:municipality_list",
    "regions:school_list",
    "participants:navigator_list",
    "participants:student_list",
    "venues:venue_list",
    "venues:mentor_list",
    "venues:event_manage_list",
    "venues:event_queue",
    "venues:attendance_overdue",
    "venues:recommendations_overdue",
    "venues:my_bookings",
    "venues:mentor_recommendations",
    "bilet:pd_log",
    "participants:my_children",
    "participants:my_guardians",
    "venues:contract_list",
    "regions:appeal_list",
    "participants:consent_children",
    "participants:consent_coverage",
    "participants:destruction_acts",
    "home",
    "reports:report_list",
    "reports:deadline_list",
    "reports:report_new",
    "participants:import_students",
    "participants:import_navigators",
    "participants:import_venues",
    "participants:student_register",
    "regions:request_list",
    "bilet:notification_list",
    "bilet:notification_preferences",
]

EXPORTS = ["participants:student_export_csv", "participants:student_export_xlsx"]


def _user(world, side, role):
    w = getattr(world, side)
    if role == "curator":
        return world.curator.user
    return getattr(w, role).user


def _with_recommendations(world):
    """Give each region an attended booking with a recommendation and a mentor document, so those pages exist."""
    for w in (world.a, world.b):
        Booking.objects.filter(pk=w.booking.pk).update(status=Booking.Status.ATTENDED)
        w.booking.refresh_from_db()
        w.recommendation = Recommendation.objects.create(
            booking=w.booking, mentor=w.mentor, competency=w.event.competency, text="Рекомендуем продолжить."
        )
        w.document = MentorDocument.objects.create(mentor=w.mentor, title="Диплом", file="mentor-documents/x.pdf")


def _foreign_markers(w):
    """Strings that identify region w's people and records on a page."""
    return [
        w.region.name,
        w.school.short_name,
        w.other_school.short_name,
        w.student.last_name,
        w.other_student.last_name,
        w.venue.short_name,
        w.mentor.last_name,
        w.event.title,
        w.navigator.user.email,
    ]


def _with_reports(world):
    """Give each region a ready campaign report (stand-in files), sent to the curator, and a monthly deadline."""
    from reports import services
    from reports.models import ReportDeadline

    from .conftest import make_report

    for w in (world.a, world.b):
        w.report = make_report(world, "a" if w is world.a else "b")
        services.report_send(actor=w.coordinator.user, report=w.report)
        period = services.previous_month(w.report.created_at.date())
        ReportDeadline.objects.create(region=w.region, period=period, due_on=w.report.created_at.date())


@pytest.fixture
def matrix_world(world, renderer):
    _with_recommendations(world)
    _with_reports(world)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name,attr", DETAILS)
def test_other_regions_details_are_404(client, matrix_world, role, url_name, attr):
    client.force_login(_user(matrix_world, "a", role))
    obj = getattr(matrix_world.b, attr)
    response = client.get(reverse(url_name, args=[obj.pk]))
    assert response.status_code == 404, f"{role} reached {url_name} of region b"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_mentor_document_is_404(client, matrix_world, role):
    client.force_login(_user(matrix_world, "a", role))
    doc = matrix_world.b.document
    response = client.get(reverse("venues:mentor_document", args=[doc.mentor_id, doc.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_booking_cannot_be_cancelled(client, matrix_world, role):
    client.force_login(_user(matrix_world, "a", role))
    booking = matrix_world.b.other_booking
    response = client.post(reverse("venues:booking_cancel", args=[booking.pk]))
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", LISTS)
def test_lists_never_show_another_region(client, matrix_world, role, url_name):
    client.force_login(_user(matrix_world, "a", role))
    b = matrix_world.b
    url = reverse(url_name)
    for query in ("", "?q=Студентова", f"?school={b.school.pk}", f"?municipality={b.municipality.pk}",
                  f"?region={b.region.pk}", f"?venue={b.venue.pk}"):
        response = client.get(url + query)
        assert response.status_code in (200, 404), (url_name, query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            for marker in _foreign_markers(b):
                assert marker not in body, f"{role} sees {marker!r} of region b on {url_name}{query}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", EXPORTS)
def test_exports_never_carry_another_region(client, matrix_world, role, url_name):
    client.force_login(_user(matrix_world, "a", role))
    b = matrix_world.b
    for query in ("", f"?school={b.school.pk}", "?q=Студентова"):
        response = client.get(reverse(url_name) + query)
        # A filter value outside the scope is refused with a message: back to the list, no file.
        assert response.status_code in (200, 302, 404)
        if response.status_code == 200:
            content = b"".join(response.streaming_content) if response.streaming else response.content
            if url_name.endswith("csv"):
                text = content.decode("utf-8-sig")
            else:
                import io

                from openpyxl import load_workbook

                sheet = load_workbook(io.BytesIO(content)).active
                text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
            for marker in (b.student.last_name, b.other_student.last_name, b.school.short_name):
                assert marker not in text



# --- The coordinator's records and the monitoring page (issue 13 §1, §2d) -----------------------------------------
# Kept apart from the tables above so that branches adding to those do not collide with this one.

RECORD_KINDS = ["promotion", "training", "need"]
RECORD_LISTS = ["regions:promotion_list", "regions:training_list", "regions:need_list", "reports:monitoring"]


@pytest.fixture
def records_world(matrix_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from regions.models import MonitoringValue
    from regions.tests.factories import (
        MonitoringIndicatorFactory,
        PromotionMeasureFactory,
        TeamTrainingFactory,
        TrainingNeedFactory,
    )

    indicator = MonitoringIndicatorFactory(name="Наличие планов по профориентации")
    for w in (matrix_world.a, matrix_world.b):
        scope = {"region": w.region, "campaign": matrix_world.campaign}
        w.promotion = PromotionMeasureFactory(**scope, title=f"Статья о пробах ({w.name})")
        w.training = TeamTrainingFactory(**scope, person_name=f"Обученова ({w.name})",
                                         certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4 certificate"))
        w.need = TrainingNeedFactory(**scope, topic=f"Потребность ({w.name})")
        w.monitoring_value = MonitoringValue.objects.create(
            indicator=indicator, region=w.region, year=timezone.localdate().year, value=int(w.code) * 1001
        )
    return matrix_world


def _record_markers(w):
    value = int(w.code) * 1001  # the monitoring value: in a form field as typed, on a read-only page grouped
    return [w.region.name, w.promotion.title, w.training.person_name, w.need.topic, f'value="{value}"',
            f"{value:,}".replace(",", "\xa0")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_other_regions_records_are_404(client, records_world, role, kind):
    client.force_login(_user(records_world, "a", role))
    record = getattr(records_world.b, kind)
    for action in ("edit", "delete"):
        url = reverse(f"regions:{kind}_{action}", args=[record.pk])
        assert client.get(url).status_code == 404, f"{role} reached {url} of region b"
        assert client.post(url, {"title": "x", "topic": "x", "person_name": "x"}).status_code == 404
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_training_certificate_is_404(client, records_world, role):
    client.force_login(_user(records_world, "a", role))
    training = records_world.b.training
    assert client.get(reverse("regions:training_certificate", args=[training.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", RECORD_LISTS)
def test_record_lists_never_show_another_region(client, records_world, role, url_name):
    client.force_login(_user(records_world, "a", role))
    b = records_world.b
    url = reverse(url_name)
    for query in ("", "?q=Обученова", "?q=Статья", f"?region={b.region.pk}", f"?campaign={records_world.campaign.pk}"):
        response = client.get(url + query)
        assert response.status_code in (200, 404), (url_name, query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            for marker in _record_markers(b):
                assert marker not in body, f"{role} sees {marker!r} of region b on {url_name}{query}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator"])
@pytest.mark.parametrize("url_name", RECORD_LISTS)
def test_own_region_records_are_listed(client, records_world, role, url_name):
    client.force_login(_user(records_world, "a", role))
    body = client.get(reverse(url_name)).content.decode()
    a = records_world.a
    expected = {"regions:promotion_list": a.promotion.title, "regions:training_list": a.training.person_name,
                "regions:need_list": a.need.topic, "reports:monitoring": a.region.name}[url_name]
    assert expected in body
    if url_name == "reports:monitoring":
        assert ('value="71071"' if role == "coordinator" else "71\xa0071") in body


# Inside one region: another school, venue or family.
INSIDE = [
    # (role, url name, attribute of region a holding an object that role must not reach)
    ("navigator", "participants:student_detail", "other_student"),
    ("navigator", "regions:school_detail", "other_school"),
    ("navigator", "participants:navigator_detail", "other_navigator"),
    ("venue_staff", "venues:event_manage_detail", "other_event"),
    ("venue_staff", "venues:event_attendance", "other_event"),
    ("venue_staff", "venues:venue_detail", "other_venue"),
    ("venue_staff", "venues:contract_detail", "other_venue"),
    ("guardian", "participants:student_detail", "other_student"),
    ("student", "participants:student_detail", "sibling"),
    ("student", "participants:student_detail", "other_student"),
    ("mentor", "venues:event_manage_detail", "other_event"),
    ("mentor", "participants:student_detail", "other_student"),
    ("navigator", "participants:consent_form", "other_student"),
    ("guardian", "participants:consent_form", "other_student"),
    ("guardian", "participants:consent_give", "other_student"),
    ("guardian", "participants:consent_withdraw", "other_student"),
    ("guardian", "participants:child_data_log", "other_student"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role,url_name,attr", INSIDE)
def test_inside_region_other_school_venue_family_is_404(client, matrix_world, role, url_name, attr):
    client.force_login(_user(matrix_world, "a", role))
    obj = getattr(matrix_world.a, attr)
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["guardian", "student", "navigator"])
def test_other_familys_booking_cannot_be_cancelled(client, matrix_world, role):
    """a.other_booking belongs to a student of another school and another family."""
    client.force_login(_user(matrix_world, "a", role))
    booking = matrix_world.a.other_booking
    assert client.post(reverse("venues:booking_cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,url_name,attr",
    [
        ("coordinator", "participants:student_detail", "student"),
        ("curator", "participants:student_detail", "student"),
        ("navigator", "participants:student_detail", "student"),
        ("coordinator", "venues:event_manage_detail", "event"),
        ("venue_staff", "venues:event_manage_detail", "event"),
        ("coordinator", "regions:school_detail", "school"),
        ("coordinator", "venues:venue_detail", "venue"),
        ("coordinator", "venues:mentor_detail", "mentor"),
        ("coordinator", "venues:contract_detail", "venue"),
        ("curator", "venues:contract_detail", "venue"),
        ("venue_staff", "venues:contract_detail", "venue"),
        ("guardian", "participants:consent_withdraw", "student"),
        ("guardian", "participants:child_data_log", "student"),
        ("guardian", "participants:consent_form", "student"),
        ("navigator", "participants:consent_form", "student"),
        ("coordinator", "participants:consent_form", "student"),
    ],
)
def test_own_records_are_reachable(client, matrix_world, role, url_name, attr):
    """The matrix is only worth something if the same pages answer 200 inside the scope."""
    client.force_login(_user(matrix_world, "a", role))
    obj = getattr(matrix_world.a, attr)
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 200


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

    client.force_login(_user(matrix_world, "a", role))
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
    client.force_login(_user(matrix_world, "a", role))
    assert client.get(reverse(url_name, args=[matrix_world.a.report.pk, *extra])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator"])
@pytest.mark.parametrize("url_name,extra", [("reports:report_detail", []), ("reports:report_download", ["pdf"])])
def test_own_regions_report_is_reachable(client, matrix_world, role, url_name, extra):
    client.force_login(_user(matrix_world, "a", role))
    assert client.get(reverse(url_name, args=[matrix_world.a.report.pk, *extra])).status_code == 200


@pytest.mark.django_db
def test_the_summary_of_every_region_is_operator_staffs_only(client, matrix_world):
    from reports import services
    from reports.models import ReportType

    national, _ = services.report_request(
        actor=matrix_world.operator, report_type=ReportType.NATIONAL, region=None, campaign=matrix_world.campaign
    )
    for role in ("coordinator", "curator"):
        client.force_login(_user(matrix_world, "a", role))
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

    client.force_login(_user(summary_world, "a", role))
    for summary in (summary_world.summary_b, summary_world.summary_all):
        response = getattr(client, method)(reverse(url_name, args=[summary.pk, *extra]))
        assert response.status_code == 404, f"{role} reached {url_name} of {summary.parameters_label}"
    assert Report.objects.filter(report_type="national").count() == 3  # nothing rebuilt


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "curator"])
@pytest.mark.parametrize("method,url_name,extra", SUMMARY_PAGES)
def test_a_curators_summary_is_404_to_the_other_roles_of_the_region(client, summary_world, role, method, url_name,
                                                                    extra):
    client.force_login(_user(summary_world, "a", role))
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
    client.force_login(_user(summary_world, "a", role))
    response = client.get(reverse("reports:report_preview", args=["national"]))
    if role != "curator":
        assert response.status_code == 404
        return
    assert [row.region.code for row in response.context["report"].rows] == ["71"]
    body = response.content.decode()
    assert summary_world.a.region.name in body and summary_world.b.region.name not in body


@pytest.fixture
def invited_world(matrix_world):
    """Each region's student has invited a parent: region b's invitation is sent to region a's own guardian's
    address, so a pending link pointing at region a must still show and grant nothing."""
    from participants.services.registration import (
        GuardianNamed,
        guardian_invitation_create,
        guardian_invitation_issue,
    )

    for w, email in ((matrix_world.a, "parent-a@test.example"), (matrix_world.b, matrix_world.a.guardian.user.email)):
        w.invitation = guardian_invitation_create(student=w.other_student, guardian=GuardianNamed(email, "Иванова", "Анна"))
        guardian_invitation_issue(invitation=w.invitation)
    return matrix_world


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["participants:my_children_accept", "participants:my_children_refuse",
                                      "participants:my_guardians_resend"])
def test_another_familys_invitation_cannot_be_answered_or_resent(client, invited_world, role, url_name):
    """Region b's invitation, even one sent to region a's guardian, is answered only through the emailed link (the
    guardian's address is not verified here) and resent only by its student."""
    client.force_login(_user(invited_world, "a", role))
    invitation = invited_world.b.invitation
    assert client.post(reverse(url_name, args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_persons_import_and_another_regions_invitation_are_404(client, matrix_world, role):
    from django.core.files.base import ContentFile

    from participants.models import ImportJob, NavigatorInvitation

    b = matrix_world.b
    job = ImportJob(kind="students", created_by=b.navigator.user, file_name="b.csv", table_kind="csv",
                    state=ImportJob.State.VALID)
    job.file.save("b.csv", ContentFile(b"x"), save=True)
    client.force_login(_user(matrix_world, "a", role))
    assert client.get(reverse("participants:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("participants:import_job_confirm", args=[job.pk])).status_code == 404
    assert client.post(reverse("participants:navigator_invite", args=[b.navigator.pk])).status_code == 404
    assert not NavigatorInvitation.objects.exists()
    job.refresh_from_db()
    assert job.state == ImportJob.State.VALID


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_regions_venue_import_is_404(client, matrix_world, role):
    from django.core.files.base import ContentFile

    from participants.models import ImportJob
    from venues.models import Venue

    job = ImportJob(kind="venues", created_by=matrix_world.b.coordinator.user, file_name="b.csv", table_kind="csv",
                    state=ImportJob.State.VALID)
    job.file.save("b.csv", ContentFile(b"x"), save=True)
    venues = Venue.objects.count()
    client.force_login(_user(matrix_world, "a", role))
    assert client.get(reverse("participants:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("participants:import_job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportJob.State.VALID and Venue.objects.count() == venues


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "navigator"])
@pytest.mark.parametrize("kind", ["students", "navigators", "venues"])
def test_import_templates_never_name_another_region(client, matrix_world, role, kind):
    import io

    from openpyxl import load_workbook

    client.force_login(_user(matrix_world, "a", role))
    response = client.get(reverse("participants:import_template", args=[kind]))
    if response.status_code == 404:
        assert role == "navigator" and kind in ("navigators", "venues")
        return
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert matrix_world.a.region.code in text
    for marker in _foreign_markers(matrix_world.b):
        assert marker not in text


# --- curators' requests and notifications (issue 15 §1, §6) ---------------------------------------------------------


@pytest.fixture
def request_world(matrix_world):
    """A request with an attached file to each region, from a curator of that region, and a notification each."""
    from bilet.models import Notification, NotificationKind
    from regions.tests.factories import CuratorFactory, UserFactory
    from regions.tests.request_helpers import pdf, send

    w = matrix_world
    w.b.curator = CuratorFactory(user=UserFactory(email="curator67@test.example"), regions=[w.b.region])
    for side, curator in (("a", w.curator), ("b", w.b.curator)):
        region_world = getattr(w, side)
        region_world.request = send(w, actor=curator.user, region=region_world.region,
                                    subject=f"Запрос ({region_world.region.name})", files=[pdf()])
        region_world.attachment = region_world.request.messages.get().attachments.get()
    w.b.notification = Notification.objects.filter(recipient=w.b.coordinator.user,
                                                   kind=NotificationKind.REQUEST_RECEIVED).get()
    return w


REQUEST_PAGES = ["regions:request_detail", "regions:request_answer", "regions:request_accept", "regions:request_return"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_requests_are_404(client, request_world, role):
    from regions.models import CuratorRequest

    client.force_login(_user(request_world, "a", role))
    b = request_world.b
    for url_name in REQUEST_PAGES:
        method = client.get if url_name == "regions:request_detail" else client.post
        assert method(reverse(url_name, args=[b.request.pk])).status_code == 404, (role, url_name)
    url = reverse("regions:request_attachment", args=[b.request.pk, b.attachment.pk])
    assert client.get(url).status_code == 404
    assert CuratorRequest.objects.get(pk=b.request.pk).status == CuratorRequest.Status.OPEN
    for url_name in ("regions:request_list", "home", "bilet:notification_list"):
        assert b.request.subject not in client.get(reverse(url_name)).content.decode(), (role, url_name)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_users_notification_cannot_be_marked(client, request_world, role):
    client.force_login(_user(request_world, "a", role))
    notification = request_world.b.notification
    assert client.post(reverse("bilet:notification_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["navigator", "venue_staff", "mentor", "guardian", "student"])
def test_own_regions_requests_are_404_to_other_roles(client, request_world, role):
    client.force_login(_user(request_world, "a", role))
    a = request_world.a
    assert client.get(reverse("regions:request_detail", args=[a.request.pk])).status_code == 404
    assert client.get(reverse("regions:request_attachment", args=[a.request.pk, a.attachment.pk])).status_code == 404
    assert client.get(reverse("regions:request_list")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator"])
def test_own_regions_requests_are_reachable(client, request_world, role):
    client.force_login(_user(request_world, "a", role))
    a = request_world.a
    assert client.get(reverse("regions:request_detail", args=[a.request.pk])).status_code == 200
    assert client.get(reverse("regions:request_attachment", args=[a.request.pk, a.attachment.pk])).status_code == 200
    assert a.request.subject in client.get(reverse("regions:request_list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_contract_document_is_404(client, matrix_world, role):
    from venues.models import VenueCampaign, VenueContractDocument

    assignment = VenueCampaign.objects.get(venue=matrix_world.b.venue, campaign=matrix_world.campaign)
    document = VenueContractDocument.objects.create(assignment=assignment, title="Договор", file="venue-contracts/x.pdf")
    client.force_login(_user(matrix_world, "a", role))
    assert client.get(reverse("venues:contract_document", args=[document.pk])).status_code == 404
    assert client.post(reverse("venues:contract_document_delete", args=[document.pk])).status_code == 404
    assert VenueContractDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_appeals_are_404_and_unlisted(client, matrix_world, role):
    from regions.tests.factories import AppealFactory

    AppealFactory(region=matrix_world.a.region, subject="Обращение своего региона")
    foreign = AppealFactory(region=matrix_world.b.region, subject="Обращение чужого региона")
    client.force_login(_user(matrix_world, "a", role))
    for url in (reverse("regions:appeal_detail", args=[foreign.pk]),):
        assert client.get(url).status_code == 404
    for name in ("regions:appeal_assign", "regions:appeal_answer"):
        assert client.post(reverse(name, args=[foreign.pk]), {"answer": "x"}).status_code == 404
    for query in ("", "?q=чужого", f"?region={matrix_world.b.region.pk}", "?overdue=false"):
        response = client.get(reverse("regions:appeal_list") + query)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert "Обращение чужого региона" not in response.content.decode()
            if query == "":
                assert "Обращение своего региона" in response.content.decode()


# --- Photos and videos (issue 15 §5): children are in them; only the region's scope sees them ------------------------
# Kept apart from the tables above so that branches adding to those do not collide with this one.

MEDIA_FILE_URLS = ["venues:media_file", "venues:media_thumbnail"]


@pytest.fixture
def media_world(matrix_world):
    from venues.tests.factories import MediaFileFactory

    for w in (matrix_world.a, matrix_world.b):
        w.media = MediaFileFactory(event=w.event, caption=f"Фото пробы ({w.name})", uploaded_by=w.venue_staff.user)
        w.region_media = MediaFileFactory(event=None, region=w.region, campaign=matrix_world.campaign,
                                          caption=f"Форум ({w.name})", uploaded_by=w.coordinator.user)
    return matrix_world


def _media_gone(client, media) -> None:
    from venues.models import MediaFile

    for url_name in MEDIA_FILE_URLS:
        assert client.get(reverse(url_name, args=[media.pk])).status_code == 404, url_name
    assert client.post(reverse("venues:media_delete", args=[media.pk])).status_code == 404
    assert MediaFile.objects.filter(pk=media.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("attr", ["media", "region_media"])
def test_other_regions_photos_and_videos_are_404(client, media_world, role, attr):
    from bilet.models import PersonalDataAccess

    client.force_login(_user(media_world, "a", role))
    _media_gone(client, getattr(media_world.b, attr))
    gallery = reverse("venues:event_gallery", args=[media_world.b.event.pk])
    assert client.get(gallery).status_code == 404
    assert client.post(gallery, {"caption": "x"}).status_code == 404
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_gallery_never_shows_another_regions_files(client, media_world, role):
    client.force_login(_user(media_world, "a", role))
    b = media_world.b
    for query in ("", f"?region={b.region.pk}", "?q=Форум", "?q=пробы", "?of=region", "?of=events"):
        response = client.get(reverse("venues:gallery") + query)
        assert response.status_code in (200, 404), (query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            for marker in (b.media.caption, b.region_media.caption, b.region.name, b.event.title):
                assert marker not in body, f"{role} sees {marker!r} of region b on the gallery{query}"
            for media in (b.media, b.region_media):
                assert reverse("venues:media_thumbnail", args=[media.pk]) not in body


# Inside region a: files of another venue's event, the region's own files for venue staff, and the roles with no
# gallery at all (SPEC §2: photos of children are for the coordinator, the curator, operator staff and the event's
# venue staff for that event).
MEDIA_INSIDE = [
    ("venue_staff", "region_media"),
    ("other_venue_staff", "media"),
    ("other_venue_staff", "region_media"),
    ("mentor", "media"),
    ("navigator", "media"),
    ("guardian", "media"),
    ("student", "media"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who,attr", MEDIA_INSIDE)
def test_inside_the_region_photos_stay_with_their_scope(client, media_world, who, attr):
    a = media_world.a
    client.force_login(getattr(a, who).user)
    _media_gone(client, getattr(a, attr))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "curator", "venue_staff", "operator"])
def test_own_photos_are_reachable(client, media_world, role):
    user = media_world.operator if role == "operator" else _user(media_world, "a", role)
    client.force_login(user)
    for url_name in MEDIA_FILE_URLS:
        assert client.get(reverse(url_name, args=[media_world.a.media.pk])).status_code == 200
    assert client.get(reverse("venues:event_gallery", args=[media_world.a.event.pk])).status_code == 200
    assert media_world.a.media.caption in client.get(reverse("venues:gallery")).content.decode()


# --- the roadmap (issue 15 §2): its coordinator writes it, its curators and operator staff read it -------------------


@pytest.fixture
def roadmap_world(matrix_world):
    from regions.services.roadmap import ItemText, roadmap_item_create

    for w in (matrix_world.a, matrix_world.b):
        w.roadmap_heading = roadmap_item_create(
            actor=w.coordinator.user, region=w.region, campaign=matrix_world.campaign,
            item=ItemText(number="1", activity=f"Раздел дорожной карты ({w.name})"))
        w.roadmap_item = roadmap_item_create(
            actor=w.coordinator.user, region=w.region, campaign=matrix_world.campaign,
            item=ItemText(number="1.1", activity=f"Пункт дорожной карты ({w.name})", period="В течение кампании"))
    return matrix_world


ROADMAP_PAGES = ["regions:roadmap_list", "regions:roadmap_xlsx", "regions:roadmap_pdf"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_roadmap_and_its_items_are_404(client, roadmap_world, role):
    from regions.models import RoadmapItem

    client.force_login(_user(roadmap_world, "a", role))
    b = roadmap_world.b
    for url_name in ROADMAP_PAGES:
        assert client.get(reverse(url_name), {"region": b.region.pk}).status_code == 404, (role, url_name)
    for url_name in ("regions:roadmap_edit", "regions:roadmap_delete"):
        url = reverse(url_name, args=[b.roadmap_item.pk])
        assert client.get(url).status_code == 404, (role, url_name)
        assert client.post(url, {"number": "1.1", "activity": "x", "period": "", "status": "done"}).status_code == 404
    for url_name in ("regions:roadmap_create", "regions:roadmap_import"):
        assert client.get(reverse(url_name), {"region": b.region.pk}).status_code in (403, 404), (role, url_name)
    item = RoadmapItem.objects.get(pk=b.roadmap_item.pk)
    assert (item.activity, item.status) == ("Пункт дорожной карты (Смоленская область)", "planned")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["regions:roadmap_list", "home"])
def test_roadmap_lists_never_show_another_region(client, roadmap_world, role, url_name):
    from regions.models import RoadmapItem

    # every item past its period, so that the home pages list them
    start = roadmap_world.campaign.starts_on
    RoadmapItem.objects.exclude(period_kind="").update(period_kind="dates", period_start=start, period_end=start)
    client.force_login(_user(roadmap_world, "a", role))
    b = roadmap_world.b
    for query in ("", "?overdue=on", "?status=planned", f"?campaign={roadmap_world.campaign.pk}"):
        response = client.get(reverse(url_name) + query)
        assert response.status_code in (200, 404), (url_name, query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            assert b.roadmap_item.activity not in body and b.roadmap_heading.activity not in body, (role, query)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["navigator", "venue_staff", "mentor", "guardian", "student"])
def test_own_regions_roadmap_is_404_to_roles_without_it(client, roadmap_world, role):
    client.force_login(_user(roadmap_world, "a", role))
    a = roadmap_world.a
    for url_name in [*ROADMAP_PAGES, "regions:roadmap_create", "regions:roadmap_import"]:
        assert client.get(reverse(url_name)).status_code == 404, url_name
    assert client.get(reverse("regions:roadmap_edit", args=[a.roadmap_item.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role,editable", [("coordinator", True), ("curator", False)])
def test_own_regions_roadmap_is_reachable(client, roadmap_world, role, editable):
    client.force_login(_user(roadmap_world, "a", role))
    a = roadmap_world.a
    body = client.get(reverse("regions:roadmap_list")).content.decode()
    assert a.roadmap_item.activity in body
    for url_name in ("regions:roadmap_xlsx", "regions:roadmap_pdf"):
        assert client.get(reverse(url_name)).status_code == 200
    assert client.get(reverse("regions:roadmap_edit", args=[a.roadmap_item.pk])).status_code == (
        200 if editable else 403)
