"""Issue 3, "Done means": in Chromium, every demo role signs in through allauth's login page, lands on its home page
and sees its own figures; axe-core finds no serious or critical accessibility violation there or on the login page.

Runs with Playwright against Debian's Chromium (fixtures in bilet/testing/browser.py) and Django's live server; the demo
data comes from `seed_demo`, and the logins from what that command prints (SPEC §6: `email  password  role`)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

# The live server runs in another thread: the tests commit (transaction=True). A flush after each test empties the
# tables that data migrations filled (the nosology groups seed_demo needs); serialized_rollback restores them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO_LOGIN_LINE = re.compile(r"^(?P<email>[^\s@]+@[^\s@]+\.[^\s@]+)\s+(?P<password>\S+)\s+(?P<role>\S.*)$")


def seed_demo_logins() -> list[tuple[str, str, str]]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    logins = []
    for line in out.getvalue().splitlines():
        if match := DEMO_LOGIN_LINE.match(line.strip()):
            logins.append((match["email"], match["password"], match["role"]))
    return logins


def watch_csp(page) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints: an inline style or script the portal forgot."""
    complaints = []
    page.on(
        "console",
        lambda message: complaints.append(message.text)
        if message.type == "error" and "Content Security Policy" in message.text
        else None,
    )
    return complaints


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()


def test_login_page_is_accessible_in_russian(page, live_server, axe):
    complaints = watch_csp(page)
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.locator("html").get_attribute("lang") == "ru"
    # Every field of the form has a visible, associated label.
    for name in ("login", "password"):
        field = page.locator(f"main form input[name={name}]")
        assert field.count() == 1
        label_for = page.locator(f"label[for='{field.get_attribute('id')}']")
        assert label_for.count() == 1 and label_for.inner_text().strip()
    axe(page)
    assert complaints == []


def test_wrong_password_keeps_the_email_and_explains(page, live_server, axe, django_user_model):
    django_user_model.objects.create_user(email="someone@test.example", password="right-pass-2026")
    sign_in(page, live_server, "someone@test.example", "wrong-pass-2026")

    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("main form input[name=login]").input_value() == "someone@test.example"
    # allauth's own Russian message (its catalogue ships with allauth).
    assert "адрес электронной почты и/или пароль неверны" in page.locator("main").inner_text()
    axe(page)


# --- the journey: every demo login, its home page and its figures -----------------------------------------------


def ru(msgid: str, **values) -> str:
    """The Russian the page shows for an English msgid (the portal's catalogues, as the server renders them)."""
    from django.utils import translation

    with translation.override("ru"):
        text = translation.gettext(msgid)
    return text % values if values else text


def first_int(text: str) -> int:
    """The number a figure shows before any «/ plan»; thousands are separated by (no-break) spaces."""
    fact = text.split("/")[0]
    return int(re.sub(r"\D", "", fact))


def figure_values(section) -> dict[str, int]:
    """A section's figure cards as {label: value}."""
    cards = section.locator(".figure").all()
    return {
        card.locator(".label").inner_text().strip(): first_int(card.locator(".value").inner_text()) for card in cards
    }


def expected_home(user) -> list[tuple[str, str, object]]:
    """What the DB says each role's home section must show: (section selector, what, expected value).

    Computed with plain queries, independently of the home page's own code (reports.dashboards)."""
    from django.utils import timezone

    from bilet.roles import get_roles
    from participants.models import Student
    from regions.models import Region, School
    from regions.selectors import current_campaign
    from venues.models import Booking, Event

    roles = get_roles(user)
    campaign = current_campaign()
    expected = []
    students = "students registered"
    if roles.operator:
        section = "section[aria-labelledby=home-operator]"
        expected.append((section, ru(students), Student.objects.count()))
        expected.append((section, ru("schools"), School.objects.count()))
    if roles.curator_region_ids:
        for region in Region.objects.filter(pk__in=roles.curator_region_ids):
            count = Student.objects.filter(region=region).count()
            expected.append(("section[aria-labelledby=home-curator]", ("row", region.name, ru(students)), count))
        for region in Region.objects.exclude(pk__in=roles.curator_region_ids):
            expected.append(("section[aria-labelledby=home-curator]", ("absent", region.name), None))
    for region in Region.objects.filter(pk__in=roles.coordinator_region_ids):
        section = f"section[aria-labelledby=home-coordinator-{region.pk}]"
        expected.append((section, ru(students), Student.objects.filter(region=region).count()))
        expected.append((section, ru("schools"), School.objects.filter(region=region).count()))
    if roles.navigator_school_ids:
        school = School.objects.filter(pk__in=roles.navigator_school_ids).order_by("short_name").first()
        count = Student.objects.filter(school=school).count()
        expected.append(("section[aria-labelledby=home-navigator]", ru(students), count))
    if roles.venue_ids:
        events = (
            Event.objects.filter(venue_id__in=roles.venue_ids, starts_at__gt=timezone.now())
            .exclude(status=Event.Status.CANCELLED)
            .order_by("starts_at", "pk")[:3]
        )
        for event in events:
            cell = ("cell", event.title, f"{event.seats_taken} из {event.capacity}")
            expected.append(("section[aria-labelledby=home-venue]", cell, None))
    if roles.mentor_id is not None:
        pending = Booking.objects.filter(
            event__mentors__id=roles.mentor_id, status=Booking.Status.ATTENDED, recommendation__isnull=True
        ).count()
        expected.append(
            ("section[aria-labelledby=home-mentor]", ru("attended students without a recommendation yet"), pending)
        )
    family = []
    if roles.guardian_id is not None:
        children = Student.objects.filter(guardians__id=roles.guardian_id, anonymised_at__isnull=True)
        family += [("section[aria-labelledby=home-guardian]", child) for child in children]
    if roles.student_id is not None:
        family.append(("section[aria-labelledby=home-student]", Student.objects.get(pk=roles.student_id)))
    for section, student in family:
        used = Booking.objects.filter(
            student=student,
            event__campaign=campaign,
            status__in=[Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW],
        ).exclude(event__status=Event.Status.CANCELLED).count()
        text = ru("used %(used)s of %(limit)s", used=used, limit=campaign.max_events_per_student)
        expected.append((section, ("text", student.full_name if section.endswith("guardian]") else "", text), None))
    return expected


def check_home(page, user) -> list[str]:
    """Compare the home page with what the DB says; return the differences (empty when all is right)."""
    problems = []
    for selector, what, value in expected_home(user):
        section = page.locator(selector)
        if section.count() != 1:
            problems.append(f"no section {selector}")
            continue
        if isinstance(what, str):
            shown = figure_values(section)
            if shown.get(what) != value:
                problems.append(f"{selector}: «{what}» should be {value}, the page shows {shown}")
        elif what[0] == "row":
            _kind, region, label = what
            # The section may hold several tables (the figures, the ranking): the one with that column.
            table = section.locator("table").filter(has=page.locator("thead th", has_text=label)).first
            headers = [h.inner_text().strip().lower() for h in table.locator("thead th").all()]
            row = table.locator("tbody tr").filter(has=page.locator("th", has_text=region))
            if label.lower() not in headers or row.count() != 1:
                problems.append(f"{selector}: no column «{label}» or no row «{region}»")
                continue
            cell = row.locator("th, td").nth(headers.index(label.lower()))
            if first_int(cell.inner_text()) != value:
                problems.append(f"{selector}: «{region}», «{label}» should be {value}, shows {cell.inner_text()!r}")
        elif what[0] == "absent":
            if what[1] in section.inner_text():
                problems.append(f"{selector}: shows «{what[1]}», a region outside the user's scope")
        elif what[0] == "cell":
            _kind, title, text = what
            rows = section.locator("tbody tr").filter(has_text=title)
            if not any(text in " ".join(r.inner_text().split()) for r in rows.all()):
                problems.append(f"{selector}: the row of «{title}» should show «{text}»")
        elif what[0] == "text":
            _kind, within, text = what
            scope = section.locator("article", has_text=within) if within else section
            if text not in " ".join(scope.first.inner_text().split()):
                problems.append(f"{selector}: «{text}» missing for {within or 'the student'}")
    return problems


def test_every_demo_role_signs_in_and_sees_its_figures(browser, live_server, axe, django_user_model):
    logins = seed_demo_logins()
    roles_seen = {role.split(" (")[0] for _email, _password, role in logins}
    # SPEC §6: every role exists (in both regions, which seed_demo's own tests check).
    assert len(roles_seen) >= 8, roles_seen

    failures = []
    for email, password, role in logins:
        context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
        page = context.new_page()
        complaints = watch_csp(page)
        try:
            sign_in(page, live_server, email, password)
            if page.url != f"{live_server.url}/":
                failures.append(f"{email} ({role}): landed on {page.url}, not the home page")
                continue
            user = django_user_model.objects.get(email=email)
            failures += [f"{email} ({role}): {p}" for p in check_home(page, user)]
            try:
                axe(page)
            except AssertionError as violation:
                failures.append(f"{email} ({role}): {violation}")
            if complaints:
                failures.append(f"{email} ({role}): Content-Security-Policy blocked: {complaints}")
        finally:
            context.close()

    assert not failures, "\n".join(failures)
