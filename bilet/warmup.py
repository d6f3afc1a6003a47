"""Per-process caches built before the first request, not by it.

Django builds some caches lazily, on the first request that needs them: the URL resolver's reverse, namespace and
app tables (one set per language, ~100 ms of CPU for this URLconf with the admin and allauth), the resolver of each
URL namespace a `reverse("app:name")` walks through, and the translation catalogues. Nothing stops the threads of a
worker from building the same table at the same time: when a gthread worker starts serving, each of its threads that
redirects runs its own ~100 ms populate, 32 of them on a 4 × 8 server, all of it in the first users' answers.

`warm_up()` builds them once at import of the WSGI application: with `preload_app` (bilet/gunicorn.conf.py) in the
master before it forks, so every worker starts with them.
"""

from django.conf import settings
from django.urls import NoReverseMatch, get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils import translation


def warm_up() -> None:
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads that language's catalogues
            _populate(resolver, namespace="")


def _populate(resolver: URLResolver, *, namespace: str) -> None:
    """This resolver's tables for the active language, then, for each namespace under it, the namespace resolver that
    `reverse` builds and caches on the first name it reverses there (one name per namespace builds it for all)."""
    resolver.reverse_dict  # noqa: B018 — the property populates reverse, namespace and app tables at once
    for name, (_prefix, sub) in resolver.namespace_dict.items():
        path = f"{namespace}{name}:"
        first = next((key for key in sub.reverse_dict if isinstance(key, str)), None)
        if first is not None:
            try:
                reverse(path + first)
            except NoReverseMatch:  # the name needs arguments: the namespace's resolver was built all the same
                pass
        _populate(sub, namespace=path)
