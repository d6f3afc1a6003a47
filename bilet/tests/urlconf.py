"""The portal's URLconf walked for tests: every named pattern with its full name and the converters of its path."""

from django.urls import URLPattern, URLResolver, get_resolver

OWN = ("venues:", "regions:", "participants:", "reports:", "bilet:", "home", "healthz", "whoami")


def named_patterns(patterns=None, namespace="", converters=None):
    """Yield (namespaced name, pattern, {kwarg: converter}) for every named URL below `patterns` (the root's)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry, found


def own_patterns():
    """`named_patterns` of the portal's own apps (not allauth's or the admin's)."""
    return [(name, entry, found) for name, entry, found in named_patterns() if name.startswith(OWN)]
