"""The scoping matrix (issue 3 "Done means", SPEC §2).

Every role of region "a" against every scoped page of records it must not reach — region "b"'s, and inside region
"a" another school's, venue's or family's: details answer 404 (the same as "does not exist"), and lists, searches,
filters and exports never show them.
"""

import pytest
from django.urls import reverse

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
    "home",
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


@pytest.fixture
def matrix_world(world):
    _with_recommendations(world)
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


# Inside one region: another school, venue or family.
INSIDE = [
    # (role, url name, attribute of region a holding an object that role must not reach)
    ("navigator", "participants:student_detail", "other_student"),
    ("navigator", "regions:school_detail", "other_school"),
    ("navigator", "participants:navigator_detail", "other_navigator"),
    ("venue_staff", "venues:event_manage_detail", "other_event"),
    ("venue_staff", "venues:event_attendance", "other_event"),
    ("venue_staff", "venues:venue_detail", "other_venue"),
    ("guardian", "participants:student_detail", "other_student"),
    ("student", "participants:student_detail", "sibling"),
    ("student", "participants:student_detail", "other_student"),
    ("mentor", "venues:event_manage_detail", "other_event"),
    ("mentor", "participants:student_detail", "other_student"),
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
    ],
)
def test_own_records_are_reachable(client, matrix_world, role, url_name, attr):
    """The matrix is only worth something if the same pages answer 200 inside the scope."""
    client.force_login(_user(matrix_world, "a", role))
    obj = getattr(matrix_world.a, attr)
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 200


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
