import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_whoami_answers_the_signed_in_users_name(client, django_assert_max_num_queries):
    from regions.tests.factories import UserFactory

    user = UserFactory(first_name="Мария", last_name="Иванова")
    client.force_login(user)
    with django_assert_max_num_queries(2):  # the session and the user: nothing else, it is the benchmark's baseline
        response = client.get(reverse("whoami"))
    assert response.status_code == 200
    assert response.content.decode() == user.get_full_name()
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_whoami_without_login_is_401(client):
    assert client.get(reverse("whoami")).status_code == 401
    assert client.post(reverse("whoami")).status_code == 405
