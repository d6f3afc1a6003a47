"""seed_demo gives a person each state of the participants' features that a login alone does not open (issue 14),
and prints how to reach it: a navigator's invitation waiting, a stage left halfway, a withdrawn consent waiting for
the anonymisation job. (The parents' invitation: test_seed_demo.py.)"""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from bilet.models import User
from participants.models import Consent, DiagnosticAttempt, Navigator, NavigatorInvitation
from participants.services.consents import ANONYMISE_AFTER, students_due_for_anonymisation

pytestmark = pytest.mark.django_db

CODES = ("71", "67")


def run_seed() -> list[str]:
    err = io.StringIO()
    call_command("seed_demo", stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


def printed(lines: list[str], marker: str) -> dict[str, tuple[str, str]]:
    """{region code: (the demo email, the portal path)} of the guide's lines that contain `marker`."""
    found = {}
    for line in lines:
        if marker in line:
            email = re.search(r"\b(\S+@demo\.bilet\.local)\b", line).group(1)
            path = re.search(r"http://127\.0\.0\.1:8000(/[^\s,]*)", line).group(1)
            code = re.search(r"(\d\d)", email).group(1)
            found[code] = (email, path)
    return found


@pytest.fixture
def guide():
    return run_seed()


def test_a_navigators_invitation_waits_and_its_printed_link_sets_the_password(client, guide):
    links = printed(guide, "/navigators/invitations/")
    assert set(links) == set(CODES)
    for code, (email, path) in links.items():
        navigator = Navigator.objects.select_related("user", "school").get(user__email=email)
        assert navigator.region.code == code and not navigator.user.has_usable_password()
        assert navigator.school == Navigator.objects.get(user__email=f"navigator{code}@demo.bilet.local").school
        invitation = NavigatorInvitation.objects.get(user=navigator.user)
        assert invitation.can_be_answered() and invitation.invited_by.email == f"coordinator{code}@demo.bilet.local"
        page = client.get(path)
        assert page.status_code == 200 and email in page.content.decode()
    client.force_login(User.objects.get(email="coordinator71@demo.bilet.local"))
    detail = client.get(f"/navigators/{Navigator.objects.get(user__email=links['71'][0]).pk}/").content.decode()
    assert "приглашение отправлено, ссылка действует до" in detail

    # A person accepts one; the next run brings it back to a waiting invitation and an account without a password.
    client.logout()
    email, path = links["71"]
    accepted = client.post(path, {"password1": "Kvadrat-2026-sinij", "password2": "Kvadrat-2026-sinij"})
    assert accepted.status_code == 302 and User.objects.get(email=email).has_usable_password()
    client.logout()
    again = run_seed()
    assert printed(again, "/navigators/invitations/") == links
    assert not User.objects.get(email=email).has_usable_password()
    assert NavigatorInvitation.objects.get(user__email=email).status == "pending"
    assert client.get(path).status_code == 200


def test_a_student_halfway_through_a_stage_is_printed_with_the_page_to_continue(client, guide):
    students = printed(guide, "/diagnostics/")
    assert set(students) == set(CODES)
    for email, path in students.values():
        attempt = DiagnosticAttempt.objects.get(student__user__email=email, completed_at__isnull=True)
        answered, total = attempt.answers.count(), attempt.version.questions.count()
        assert 0 < answered < total
        client.force_login(User.objects.get(email=email))
        hub = client.get(path).content.decode()
        assert f"{answered} из {total} отвечено" in hub and f"Продолжить<span class=\"visually-hidden\"> — этап {attempt.stage}" in hub


def test_a_withdrawn_consent_waiting_for_anonymisation_is_printed_with_the_parents_page(client, guide):
    parents = printed(guide, "/consents/")
    assert set(parents) == set(CODES)
    now = timezone.now()
    for code, (email, path) in parents.items():
        consent = Consent.objects.select_related("student").get(withdrawn_by__email=email, withdrawn_at__isnull=False)
        student = consent.student
        assert student.region.code == code and student.anonymised_at is None
        assert not student.consents.filter(withdrawn_at__isnull=True).exists()
        # Not erased yet; the daily job takes it once the grace period is over.
        assert student not in students_due_for_anonymisation(now=now)
        assert student in students_due_for_anonymisation(now=consent.withdrawn_at + ANONYMISE_AFTER)
        client.force_login(User.objects.get(email=email))
        page = client.get(path).content.decode()
        line = next(line for line in guide if email in line)
        due = re.search(r"\(\D*(\d{1,2} \w+ \d{4})\)", line).group(1)
        assert student.full_name in line and student.full_name in page
        assert f"будут обезличены {due}" in page
