"""The test suite's pytest plugins, registered by the root conftest.py (`pytest_plugins`); each app's
`tests/conftest.py` adds the fixtures of its own tests.

- `world.py` — the `world` fixture: two regions with one of every record and role ("mine" and "another's");
- `database.py` — the test database's ids start past 100,000;
- `ci.py` — under CI=true nothing is skipped; `require_postgres`;
- `marks.py` — tests that need a worker or a browser are marked so that they run apart;
- `celery_worker.py` — a real Celery worker process; `browser.py` — Chromium and axe-core for the browser tests.
"""
