"""Browser tests: Debian's Chromium driven by Playwright, axe-core from npm."""

import os
import re
from pathlib import Path

import pytest

from .ci import service_missing

CHROMIUM = "/usr/bin/chromium"
AXE_SOURCE = str(Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js")
# axe is served from the page's own origin (intercepted by Playwright, never by Django) so the portal's
# Content-Security-Policy ('self' only) stays in force while the checks run.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a browser downloaded by `playwright install` (no downloads on these machines).

    The flags keep it from calling out to Google's services, which this machine's closed network refuses."""
    if not os.path.exists(CHROMIUM):
        service_missing(f"{CHROMIUM} is missing: apt-get install chromium (make test installs it when run as root)")
    # Playwright's sync API keeps an event loop in this thread; the tests and the fixtures still use the ORM.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ru-RU", "timezone_id": "Europe/Moscow"}


def _format_axe_violations(url: str, violations: list) -> str:
    lines = [f"axe-core: {len(violations)} serious or critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}\n      {node['html'][:200]}\n      {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more element(s)")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """`axe(page)` runs axe-core on the page as it is now and fails on any violation of impact serious or critical,
    listing each rule, element and what to fix. Returns all of axe's violations (minor ones included)."""
    from urllib.parse import urljoin

    if not os.path.exists(AXE_SOURCE):
        service_missing("axe-core is missing: run `npm ci` (make test does)")
    with open(AXE_SOURCE, encoding="utf-8") as f:
        source = f.read()
    routed = set()

    def check(page, *, impacts=("serious", "critical")) -> list:
        if id(page) not in routed:
            page.route(
                f"**{AXE_URL_PATH}",
                lambda route: route.fulfill(body=source, content_type="application/javascript; charset=utf-8"),
            )
            routed.add(id(page))
        if page.evaluate("typeof window.axe") == "undefined":
            page.add_script_tag(url=urljoin(page.url, AXE_URL_PATH))
        result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
        violations = [v for v in result["violations"] if v["impact"] in impacts]
        if violations:
            raise AssertionError(_format_axe_violations(page.url, violations))
        return result["violations"]

    return check


def nav_link(page, name: str):
    """The main navigation's link `name`, its menu opened first when a long bar keeps it in one (bilet/navigation.py),
    as a user does: a click on the menu's name."""
    nav = page.get_by_role("navigation", name="Основная навигация")
    # By its text: a link inside a closed menu is in no accessibility tree, so no role query finds it.
    menu = nav.locator("details").filter(has=page.locator("a", has_text=re.compile(f"^{re.escape(name)}$")))
    if menu.count() and not menu.first.evaluate("details => details.open"):
        menu.first.locator("summary").click()
    return nav.get_by_role("link", name=name, exact=True)
