"""Helpers for the tests of the directory lists (bilet/lists.py and the pages built on it)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def get_as(client, user, url, **extra):
    """GET `url` signed in as `user`."""
    client.force_login(user)
    return client.get(url, **extra)


def listed(response) -> list:
    """Primary keys of the rows on the page, in their order."""
    return [row.pk for row in response.context["page_obj"]]


def listed_set(response) -> set:
    return set(listed(response))


def queries_of(client, url) -> int:
    """How many SQL queries one GET of `url` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)
