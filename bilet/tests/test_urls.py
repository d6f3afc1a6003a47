"""Every named URL of the portal resolves back to its own pattern: no pattern shadows it, whatever order the URLconf
tries them in (it is ordered by traffic, not by app). allauth's and the admin's own patterns live under their
prefixes (accounts/, admin/), which none of the portal's paths use."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, StringConverter

SAMPLES = {IntConverter: 7, StringConverter: "sample"}
OWN = ("venues:", "regions:", "participants:", "reports:", "bilet:", "home", "healthz", "whoami")


def _named_patterns(patterns, namespace="", converters=None):
    for entry in patterns:
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern) and entry.name and f"{namespace}{entry.name}".startswith(OWN):
            yield f"{namespace}{entry.name}", entry, found


def test_every_named_url_resolves_to_itself():
    checked = []
    for name, pattern, converters in _named_patterns(get_resolver().url_patterns):
        kwargs = {key: SAMPLES[type(converter)] for key, converter in converters.items()}
        path = reverse(name, kwargs=kwargs)
        match = resolve(path)
        assert match.view_name == name, f"{path} ({name}) is answered by {match.view_name}"
        assert match.func == pattern.callback
        checked.append(name)
    assert {"venues:event_book", "venues:catalog", "participants:student_list", "regions:school_list",
            "venues:event_manage_list", "venues:mentor_document", "bilet:pd_log", "home"} <= set(checked)
