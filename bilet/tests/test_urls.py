"""Every named URL of the portal resolves back to its own pattern: no pattern shadows it, whatever order the URLconf
tries them in (it is ordered by traffic, not by app). allauth's and the admin's own patterns live under their
prefixes (accounts/, admin/), which none of the portal's paths use."""

from django.urls import resolve, reverse
from django.urls.converters import IntConverter, StringConverter

from .urlconf import own_patterns

SAMPLES = {IntConverter: 7, StringConverter: "sample"}


def test_every_named_url_resolves_to_itself():
    checked = []
    for name, pattern, converters in own_patterns():
        kwargs = {key: SAMPLES[type(converter)] for key, converter in converters.items()}
        path = reverse(name, kwargs=kwargs)
        match = resolve(path)
        assert match.view_name == name, f"{path} ({name}) is answered by {match.view_name}"
        assert match.func == pattern.callback
        checked.append(name)
    assert {"venues:event_book", "venues:catalog", "participants:student_list", "regions:school_list",
            "venues:event_manage_list", "venues:mentor_document", "bilet:pd_log", "home"} <= set(checked)
