"""`bilet.warmup`: the WSGI application starts with the URL tables built, so no request builds them (and no two
threads of a worker build the same table at once)."""

import importlib
import sys

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, clear_url_caches, reverse
from django.urls import resolvers
from django.utils import translation

from bilet.warmup import warm_up


def _every_name(resolver, namespace=""):
    """Every URL name, of the root and of each namespace, nested ones included: whatever a request may reverse."""
    yield from (namespace + key for key in resolver.reverse_dict if isinstance(key, str))
    for name, (_prefix, sub) in resolver.namespace_dict.items():
        yield from _every_name(sub, f"{namespace}{name}:")


@pytest.fixture
def cold_resolvers():
    """Django's URL tables as a new process has them: none built."""
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture
def populates(monkeypatch):
    calls = []
    original = resolvers.URLResolver._populate

    def counting(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(resolvers.URLResolver, "_populate", counting)
    return calls


def _reverse_everywhere():
    names = list(_every_name(resolvers.get_resolver()))
    assert any(name.startswith("venues:") for name in names) and any(name.startswith("admin:") for name in names)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name in names:
                try:
                    reverse(name)
                except NoReverseMatch:  # arguments missing: the tables were read all the same
                    pass


def test_without_warm_up_the_first_reverse_builds_the_tables(cold_resolvers, populates):
    _reverse_everywhere()
    assert populates  # what the test below shows warm_up() takes off the requests


def test_after_warm_up_no_reverse_builds_a_table(cold_resolvers, populates):
    warm_up()
    populates.clear()
    _reverse_everywhere()
    assert populates == []


def test_the_wsgi_application_is_warmed_up_at_import(cold_resolvers, populates, monkeypatch):
    import bilet.warmup

    called = []
    monkeypatch.setattr(bilet.warmup, "warm_up", lambda: called.append(True))
    monkeypatch.delitem(sys.modules, "bilet.wsgi", raising=False)
    importlib.import_module("bilet.wsgi")
    assert called == [True]
