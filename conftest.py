"""The suite's shared fixtures and hooks live in `bilet/testing/` (see its __init__); each app's `tests/conftest.py`
adds its own."""

pytest_plugins = [
    "bilet.testing.world",
    "bilet.testing.database",
    "bilet.testing.ci",
    "bilet.testing.marks",
    "bilet.testing.celery_worker",
    "bilet.testing.browser",
]
