"""Tests that use a worker or a browser are marked automatically (`celery_worker`, `browser`), so that `make test` runs
them in a separate, non-parallel pytest run (one live server, one worker, one test database)."""

_AUTO_MARKS = {
    "celery_worker_process": "celery_worker", "start_celery_worker": "celery_worker", "page": "browser",
    "live_server": "browser",
}


def pytest_itemcollected(item):
    for fixture, marker in _AUTO_MARKS.items():
        if fixture in getattr(item, "fixturenames", ()):
            item.add_marker(marker)
            # A live server or a worker needs a transactional database, which is flushed after each test: the rows
            # the data migrations wrote (nosology groups, beat entries, the question bank) are restored for every
            # such test, whatever ran before it.
            if "django_db_serialized_rollback" not in item.fixturenames:
                item.fixturenames.append("django_db_serialized_rollback")
