"""Issue 12 §16: the error pages are Russian pages of the portal (lang="ru"), say what happened and offer the way
back (home, sign in), with DEBUG off as in production; the 500 page and the CSRF failure page need no database and no
request context."""

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def assert_russian_error_page(response, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="ru">' in html
    assert heading in html
    assert 'href="/"' in html and "На главную" in html
    for english in ("Not Found", "Forbidden", "Bad Request", "Server Error"):
        assert english not in html
    return html


@pytest.mark.django_db
def test_404_for_an_outsider_is_russian_and_offers_sign_in(client, production):
    html = assert_russian_error_page(client.get("/no-such-page/"), 404, "Страница не найдена")
    assert 'href="/accounts/login/?next=/no-such-page/"' in html


@pytest.mark.django_db
def test_404_out_of_scope_is_russian_in_the_portals_layout(client, world, production):
    client.force_login(world.a.guardian.user)
    html = assert_russian_error_page(
        client.get(reverse("participants:student_detail", args=[world.b.student.pk])), 404, "Страница не найдена"
    )
    assert "site-nav" in html  # the signed-in user's navigation, as on every page
    assert "/accounts/login/" not in html.split("error-links")[1]


@pytest.mark.django_db
def test_a_coordinator_opening_the_admin_gets_the_russian_403(client, world, production):
    client.force_login(world.a.coordinator.user)
    response = client.get("/admin/", follow=True)
    assert_russian_error_page(response, 403, "Доступ запрещён")


@pytest.mark.django_db
def test_400_on_a_host_that_is_not_allowed(client, production):
    production.ALLOWED_HOSTS = ["portal.example"]
    assert_russian_error_page(client.get("/", HTTP_HOST="attacker.example"), 400, "Неверный запрос")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken)]


@pytest.mark.urls(__name__)
def test_500_is_russian(client, production):
    client.raise_request_exception = False
    assert_russian_error_page(client.get("/broken/"), 500, "На сервере что-то пошло не так")


def test_500_and_csrf_pages_render_without_database_or_context():
    """No `db` fixture: a query would fail the test. Plain rendering, no request, no context processors."""
    for name, heading in (("500.html", "На сервере что-то пошло не так"), ("403_csrf.html", "Форма устарела")):
        html = render_to_string(name)
        assert '<html lang="ru">' in html and heading in html and 'href="/accounts/login/"' in html
    engine = engines["django"].engine
    assert "{% url" not in engine.get_template("500.html").source
    assert "{% url" not in engine.get_template("errors/standalone.html").source


@pytest.mark.django_db
def test_csrf_failure_is_russian(world, production):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.student.user)
    response = client.post(reverse("venues:event_book", args=[world.a.event.pk]))
    assert_russian_error_page(response, 403, "Форма устарела")
