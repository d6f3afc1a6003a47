"""Issue 12 §8: an id that does not fit — too big for the database, negative, not a number, repeated — in a POST, in
the body or in the path, answers a 4xx (or the form again, or a redirect with a message), never a 500.

Every POST endpoint is collected from the URLconf: the portal's own pages, allauth's and the admin's changelists
(their bulk actions name rows by id). Each is posted by every role of the `world` fixture with every id field the
portal reads at once, and, by the roles that use it, one field at a time (a view that stops at its first bad field
would hide a second one from the all-at-once post)."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse

from bilet.ids import MAX_ID, parse_id
from participants.models import Student

from .urlconf import named_patterns, own_patterns

HUGE = "99999999999999999999"  # 20 digits: past a bigint
BAD_VALUES = {"huge": [HUGE], "negative": ["-5"], "not a number": ["abc", "1e3"], "repeated": None}
ID_FIELDS = (
    "student", "students", "classes", "venue", "campaign", "competency", "accessible_for", "mentors", "booking",
    "event", "region", "municipality", "school", "page",
)
ROLES = {
    "operator": lambda w: w.operator,
    "curator": lambda w: w.curator.user,
    "coordinator": lambda w: w.a.coordinator.user,
    "navigator": lambda w: w.a.navigator.user,
    "venue_staff": lambda w: w.a.venue_staff.user,
    "mentor": lambda w: w.a.mentor.user,
    "guardian": lambda w: w.a.guardian.user,
    "student": lambda w: w.a.student.user,
}
# The roles that act on an endpoint: they post each id field alone, so that every field reaches the view's parsing.
ACTING_ROLES = {
    "venues:event_book": ("student", "guardian", "navigator"),
    "venues:event_book_students": ("navigator",),
    "venues:booking_cancel": ("student", "guardian", "navigator"),
    "venues:event_create": ("venue_staff",),
    "venues:event_edit": ("venue_staff", "coordinator"),
    "venues:event_copy": ("venue_staff",),
    "venues:event_attendance": ("venue_staff",),
    "venues:recommendation_write": ("mentor",),
    "venues:event_gallery": ("venue_staff", "coordinator"),
    "venues:gallery": ("coordinator",),
}
# The record a path's `pk` names, per URL (the event of region "a" otherwise).
PATH_OBJECTS = {
    "venues:booking_cancel": lambda w: w.a.booking.pk,
    "venues:recommendation_write": lambda w: w.a.booking.pk,
    "venues:venue_detail": lambda w: w.a.venue.pk,
    "venues:mentor_detail": lambda w: w.a.mentor.pk,
    "venues:mentor_document": lambda w: w.a.mentor.pk,
    "participants:navigator_detail": lambda w: w.a.navigator.pk,
    "participants:student_detail": lambda w: w.a.student.pk,
    "regions:municipality_detail": lambda w: w.a.municipality.pk,
    "regions:school_detail": lambda w: w.a.school.pk,
}


def own_urls() -> list[tuple[str, list[str]]]:
    """(name, path kwargs) of every named URL of the portal's apps."""
    return [(name, sorted(converters)) for name, _pattern, converters in own_patterns()]


def allauth_urls() -> list[str]:
    """allauth's pages that take no argument in their path (a confirmation key is not an id)."""
    urls = []
    for name, _pattern, _converters in named_patterns():
        if name.startswith("account_"):
            try:
                urls.append(reverse(name))
            except NoReverseMatch:
                continue
    return urls


def admin_changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]


def _values(kind: str, world) -> list[str]:
    if kind == "repeated":
        return [str(world.a.student.pk), str(world.a.student.pk)]
    return BAD_VALUES[kind]


def _data(fields, values, world) -> dict:
    data = {field: values for field in fields}
    data[f"booking-{world.a.booking.pk}"] = values
    data["next"] = "/"
    return data


def _assert_answered(response, what: str) -> None:
    status = response.status_code
    assert status < 500, f"{what}: {status}"
    if status in (301, 302, 303):
        location = response["Location"]
        signed_out = "/accounts/login/" in location
        assert signed_out or list(get_messages(response.wsgi_request)), (
            f"{what}: a redirect to {location} without a message"
        )


@pytest.mark.parametrize("kind", list(BAD_VALUES))
def test_no_portal_post_answers_500_on_a_bad_id(client, world, kind):
    client.raise_request_exception = False
    values = _values(kind, world)
    swept = []
    for name, kwargs in own_urls():
        path_pk = PATH_OBJECTS.get(name, lambda w: w.a.event.pk)(world)
        url = reverse(name, kwargs={key: path_pk for key in kwargs})
        for role, user_of in ROLES.items():
            client.force_login(user_of(world))
            _assert_answered(client.post(url, _data(ID_FIELDS, values, world)), f"{role} POST {url} ({kind})")
            if role in ACTING_ROLES.get(name, ()):
                for field in ID_FIELDS:
                    response = client.post(url, _data([field], values, world))
                    _assert_answered(response, f"{role} POST {url} {field}={values}")
        swept.append(name)
    assert {"venues:event_book", "venues:event_book_students", "venues:booking_cancel",
            "venues:recommendation_write", "venues:event_attendance"} <= set(swept)


@pytest.mark.parametrize("kind", ["huge", "negative"])
def test_no_portal_post_answers_500_on_a_bad_id_in_the_path(client, world, kind):
    client.raise_request_exception = False
    bad = int(_values(kind, world)[0])
    for name, kwargs in own_urls():
        if not kwargs:
            continue
        try:
            url = reverse(name, kwargs={key: bad for key in kwargs})
        except Exception:  # noqa: BLE001 — a negative number does not match <int:…>: nothing to post to
            continue
        for role, user_of in ROLES.items():
            client.force_login(user_of(world))
            response = client.post(url, {"student": str(world.a.student.pk)})
            assert response.status_code < 500, f"{role} POST {url}: {response.status_code}"


@pytest.mark.parametrize("kind", list(BAD_VALUES))
def test_no_admin_or_account_post_answers_500_on_a_bad_id(client, world, kind):
    client.raise_request_exception = False
    values = _values(kind, world)
    client.force_login(world.operator)
    for url in admin_changelists():
        response = client.post(url, {"action": "delete_selected", "_selected_action": values, "index": "0"})
        assert response.status_code < 500, f"POST {url} ({kind}): {response.status_code}"
    for url in allauth_urls():
        for role, user_of in ROLES.items():
            client.force_login(user_of(world))
            response = client.post(url, _data(ID_FIELDS, values, world))
            assert response.status_code < 500, f"{role} POST {url} ({kind}): {response.status_code}"


@pytest.mark.parametrize("raw,expected", [
    ("42", 42), (" 7 ", 7), (str(MAX_ID), MAX_ID),
    ("0", None), ("-5", None), (HUGE, None), (str(MAX_ID + 1), None), ("abc", None), ("1e3", None), ("٣", None),
    ("", None), (None, None),
])
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.django_db
def test_an_in_lookup_leaves_out_numbers_the_column_cannot_hold(world):
    student = world.a.student
    assert list(Student.objects.filter(pk__in=[int(HUGE), student.pk])) == [student]
    assert list(Student.objects.filter(pk__in=[-int(HUGE)])) == []
