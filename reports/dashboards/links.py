"""Links of the home sections: a row links to its page where that page exists, and a section lists a few rows."""

from django.urls import NoReverseMatch, reverse

UPCOMING_LIMIT = 10


def url_or_none(name: str, *args) -> str | None:
    """Pages of other apps appear as they are built; a figure links to its list only where the list exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def with_urls(objects: list, url_name: str) -> list:
    for obj in objects:
        obj.url = url_or_none(url_name, obj.pk)
    return objects
