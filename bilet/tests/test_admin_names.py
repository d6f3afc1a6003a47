"""Issue 12 §18: the admin's index names every app and model in Russian — the Celery apps' too, whose own catalogues
leave them in English («Celery Results», «Task results», «Crontab»)."""

import re

import pytest
from django.urls import reverse

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@pytest.mark.django_db
def test_the_admin_index_names_every_app_and_model_in_russian(client, world):
    client.force_login(world.operator)
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    english = []
    for app in response.context["app_list"]:
        names = [str(app["name"])] + [str(model["name"]) for model in app["models"]]
        english += [name for name in names if not CYRILLIC.search(name)]
    assert english == [], english
    html = response.content.decode()
    for name in ("Celery Results", "Task results", "Group results", "Crontabs", "Periodic Tasks", "Clocked"):
        assert name not in html
    assert "Результаты фоновых задач" in html and "Расписания в формате cron" in html
