"""Issue 12 §9: forms a screen reader can follow and a validator accepts. Every field is written by one include
(templates/includes/form_field.html): each `aria-describedby` names an element of the page (help `<id>_helptext`,
errors `<id>_error`, Django's own naming); and no list sits inside a paragraph (the password page's validators)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from venues.tests.test_recommendations import _held


class _Markup(HTMLParser):
    """Ids, the ids that aria-describedby names, and lists opened while a paragraph is open."""

    def __init__(self):
        super().__init__()
        self.ids, self.described_by, self.lists_in_paragraphs = set(), [], []
        self._open_paragraphs = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by += [(tag, attrs.get("name"), token) for token in attrs["aria-describedby"].split()]
        if tag == "p":
            self._open_paragraphs += 1
        elif tag in ("ul", "ol", "div") and self._open_paragraphs:
            self.lists_in_paragraphs.append(tag)

    def handle_endtag(self, tag):
        if tag == "p" and self._open_paragraphs:
            self._open_paragraphs -= 1


def markup(response) -> _Markup:
    parser = _Markup()
    parser.feed(response.content.decode())
    return parser


def assert_described_by_exists(response):
    page = markup(response)
    assert page.described_by, "no field on the page names its help or errors"
    missing = [(tag, name, token) for tag, name, token in page.described_by if token not in page.ids]
    assert missing == []
    return page


@pytest.mark.django_db
def test_the_mentors_recommendation_form_names_its_help_and_errors(client, world):
    _held(world.a.event)
    client.force_login(world.a.mentor.user)
    url = reverse("venues:recommendation_write", args=[world.a.booking.pk])
    page = assert_described_by_exists(client.get(url))
    assert {"id_competency_helptext", "id_text_helptext"} <= page.ids
    response = client.post(url, {"competency": "", "text": ""})
    assert response.status_code == 400
    page = assert_described_by_exists(response)
    assert {"id_competency_error", "id_text_error"} <= page.ids


@pytest.mark.django_db
def test_the_event_form_names_its_errors_also_on_groups_of_choices(client, world):
    client.force_login(world.a.venue_staff.user)
    response = client.post(reverse("venues:event_create"), {"mode": "nonsense", "mentors": ["abc"]})
    page = assert_described_by_exists(response)
    assert {"id_title_error", "id_mode_error", "id_mentors_error"} <= page.ids
    assert ("fieldset", None, "id_mode_error") in page.described_by


@pytest.mark.django_db
def test_a_list_filter_names_its_error(client, world):
    client.force_login(world.a.coordinator.user)
    page = assert_described_by_exists(client.get(reverse("participants:student_list"), {"grade": "99"}))
    assert "id_grade_error" in page.ids


@pytest.mark.django_db
def test_the_password_page_keeps_lists_out_of_paragraphs(client, world):
    client.force_login(world.a.student.user)
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 200
    page = assert_described_by_exists(response)
    assert page.lists_in_paragraphs == []
    assert "id_password1_helptext" in page.ids
    html = response.content.decode()
    assert '<div class="helptext" id="id_password1_helptext"><ul>' in html


@pytest.mark.django_db
def test_the_sign_in_page_still_labels_every_field(client):
    html = client.get(reverse("account_login")).content.decode()
    for name in ("login", "password", "remember"):
        assert f'<label for="id_{name}">' in html
    assert "<p" not in html.split("<form", 1)[1].split("</form>", 1)[0]
