"""The counter the load commands show on stderr while they write."""

from __future__ import annotations

import sys
import time

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


class Progress:
    """An in-place counter on stderr: rows written and rows per second, for the table and overall."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()
        self.total = 0
        self.label = ""
        self.table_rows = 0
        self.last_shown = 0.0

    def start(self, label: str):
        self.label, self.table_rows = label, 0

    def add(self, n: int):
        self.total += n
        self.table_rows += n
        now = time.monotonic()
        if now - self.last_shown >= 0.25:
            self.show(now)

    def show(self, now: float | None = None, end: str = ""):
        if not self.enabled:
            return
        now = now or time.monotonic()
        self.last_shown = now
        rate = self.total / max(now - self.started, 1e-9)
        total, per_second = pgettext("load data progress", "total"), _("rows/s")
        self.stream.write(
            f"\r{self.label[:34]:<34} {self.table_rows:>11,} | {total} {self.total:>11,} | "
            f"{rate:>9,.0f} {per_second}   {end}"
        )
        self.stream.flush()

    def finish(self):
        self.show(end="\n")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started
