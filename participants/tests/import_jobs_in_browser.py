"""Who runs an import's background jobs in a browser test (participants/tests/test_journey_browser.py): the real
Celery worker where it can reach the test database, or the test itself where it cannot (SQLite in memory)."""

import re
from types import SimpleNamespace

from playwright.sync_api import expect

from participants import import_views, tasks
from participants.services import import_jobs

JOB_PAGE = re.compile(r"/imports/jobs/\d+/$")
# Keeps in window.barValues each value the import's progress bar shows, as htmx swaps the job's section in.
RECORD_BAR = """() => {
  const values = window.barValues = [];
  const read = () => {
    const bar = document.getElementById("import-progress");
    const value = bar && Number(bar.getAttribute("aria-valuenow"));
    if (bar && values[values.length - 1] !== value) values.push(value);
  };
  read();
  new MutationObserver(read).observe(document.body, {childList: true, subtree: true, attributes: true});
}"""


class WorkerJobs:
    """The view's tasks go through Redis to the real worker (conftest's `celery_worker`); the page polls."""

    sees_every_step = False

    def __init__(self, request):
        self.request = request

    def start(self) -> None:
        self.request.getfixturevalue("celery_worker")

    def run(self, page, progress) -> list[int]:
        """Every value the bar shows until the job's section stops polling (a MutationObserver in the page)."""
        page.evaluate(RECORD_BAR)
        expect(page.locator("#import-job[hx-get]")).to_have_count(0, timeout=90_000)
        return page.evaluate("window.barValues")


class HeldJobs:
    """Plays the worker where none can reach the test database: the view's tasks are held, and `run` runs them in
    this thread. The live server shares this thread's SQLite connection, so no request of the page may run at the
    same time: the job page's requests wait in Playwright's route until this thread turns to the browser, and at
    each progress step the job reports, this thread lets the page poll once and reads the bar."""

    sees_every_step = True

    def __init__(self, page, monkeypatch):
        self.page, self.monkeypatch = page, monkeypatch
        self.held, self.in_flight, self.seen = [], set(), []

    def start(self) -> None:
        def hold(task):
            return SimpleNamespace(delay=lambda *args, **kwargs: self.held.append((task, args, kwargs)))

        self.monkeypatch.setattr(import_views, "tasks", SimpleNamespace(
            check_import_job=hold(tasks.check_import_job), run_import_job=hold(tasks.run_import_job)))
        report = import_jobs._progress

        def watched(job, *, share=100):
            def progress(rows: int) -> None:
                report(job, share=share)(rows)
                self._show(min(100, rows * share // 100 * 100 // job.total_rows))

            return progress

        self.monkeypatch.setattr(import_jobs, "_progress", watched)
        # Every step is written, so the page can show each one (a real job writes at most twice a second).
        self.monkeypatch.setattr(import_jobs, "PROGRESS_EVERY_SECONDS", 0)
        self.page.route(JOB_PAGE, self._through)
        self.page.on("requestfinished", self._answered)
        self.page.on("requestfailed", self._answered)

    def _through(self, route) -> None:
        self.in_flight.add(route.request)
        route.continue_()

    def _answered(self, request) -> None:
        self.in_flight.discard(request)

    def _quiet(self) -> None:
        """Until every request let through has been answered (none starts while this thread runs Python)."""
        while self.in_flight:
            self.page.wait_for_timeout(20)

    def _show(self, percent: int) -> None:
        expect(self.progress).to_have_attribute("aria-valuenow", str(percent), timeout=10_000)
        self._quiet()
        self.seen.append(percent)

    def run(self, page, progress) -> list[int]:
        self.progress, self.seen = progress, []
        for _tick in range(500):  # the request that enqueued the task may still be on its way
            if self.held:
                break
            page.wait_for_timeout(20)
        assert len(self.held) == 1, self.held
        task, args, kwargs = self.held.pop()
        self._quiet()
        task(*args, **kwargs)
        return self.seen
