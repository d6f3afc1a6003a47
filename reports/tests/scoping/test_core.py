"""The scoping matrix (issue 3 "Done means", SPEC §2): every role of region "a" against every scoped page of records it
must not reach — region "b"'s, and inside region "a" another school's, venue's or family's: details answer 404 (the
same as "does not exist"), and lists, searches, filters and exports never show them."""

import pytest
from django.urls import reverse

from venues.models import Booking

from .matrix import ROLES, foreign_markers, user_of


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


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name,attr", DETAILS)
def test_other_regions_details_are_404(client, matrix_world, role, url_name, attr):
    client.force_login(user_of(matrix_world, "a", role))
    obj = getattr(matrix_world.b, attr)
    response = client.get(reverse(url_name, args=[obj.pk]))
    assert response.status_code == 404, f"{role} reached {url_name} of region b"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_mentor_document_is_404(client, matrix_world, role):
    client.force_login(user_of(matrix_world, "a", role))
    doc = matrix_world.b.document
    response = client.get(reverse("venues:mentor_document", args=[doc.mentor_id, doc.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_other_regions_booking_cannot_be_cancelled(client, matrix_world, role):
    client.force_login(user_of(matrix_world, "a", role))
    booking = matrix_world.b.other_booking
    response = client.post(reverse("venues:booking_cancel", args=[booking.pk]))
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", LISTS)
def test_lists_never_show_another_region(client, matrix_world, role, url_name):
    client.force_login(user_of(matrix_world, "a", role))
    b = matrix_world.b
    url = reverse(url_name)
    for query in ("", "?q=Студентова", f"?school={b.school.pk}", f"?municipality={b.municipality.pk}",
                  f"?region={b.region.pk}", f"?venue={b.venue.pk}"):
        response = client.get(url + query)
        assert response.status_code in (200, 404), (url_name, query, response.status_code)
        if response.status_code == 200:
            body = response.content.decode()
            for marker in foreign_markers(b):
                assert marker not in body, f"{role} sees {marker!r} of region b on {url_name}{query}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", EXPORTS)
def test_exports_never_carry_another_region(client, matrix_world, role, url_name):
    client.force_login(user_of(matrix_world, "a", role))
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
    client.force_login(user_of(matrix_world, "a", role))
    obj = getattr(matrix_world.a, attr)
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["guardian", "student", "navigator"])
def test_other_familys_booking_cannot_be_cancelled(client, matrix_world, role):
    """a.other_booking belongs to a student of another school and another family."""
    client.force_login(user_of(matrix_world, "a", role))
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
    client.force_login(user_of(matrix_world, "a", role))
    obj = getattr(matrix_world.a, attr)
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 200
