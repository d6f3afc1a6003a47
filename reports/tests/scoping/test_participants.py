"""The scoping matrix: parents' invitations, imports and navigators' invitations (issue 14)."""

import pytest
from django.urls import reverse

from .matrix import ROLES, foreign_markers, user_of


@pytest.fixture
def invited_world(matrix_world):
    """Each region's student has invited a parent: region b's invitation is sent to region a's own guardian's
    address, so a pending link pointing at region a must still show and grant nothing."""
    from participants.services.registration import (
        GuardianNamed,
        guardian_invitation_create,
        guardian_invitation_issue,
    )

    for w, email in ((matrix_world.a, "parent-a@test.example"), (matrix_world.b, matrix_world.a.guardian.user.email)):
        w.invitation = guardian_invitation_create(student=w.other_student, guardian=GuardianNamed(email, "Иванова", "Анна"))
        guardian_invitation_issue(invitation=w.invitation)
    return matrix_world


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["participants:my_children_accept", "participants:my_children_refuse",
                                      "participants:my_guardians_resend"])
def test_another_familys_invitation_cannot_be_answered_or_resent(client, invited_world, role, url_name):
    """Region b's invitation, even one sent to region a's guardian, is answered only through the emailed link (the
    guardian's address is not verified here) and resent only by its student."""
    client.force_login(user_of(invited_world, "a", role))
    invitation = invited_world.b.invitation
    assert client.post(reverse(url_name, args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_persons_import_and_another_regions_invitation_are_404(client, matrix_world, role):
    from django.core.files.base import ContentFile

    from participants.models import ImportJob, NavigatorInvitation

    b = matrix_world.b
    job = ImportJob(kind="students", created_by=b.navigator.user, file_name="b.csv", table_kind="csv",
                    state=ImportJob.State.VALID)
    job.file.save("b.csv", ContentFile(b"x"), save=True)
    client.force_login(user_of(matrix_world, "a", role))
    assert client.get(reverse("participants:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("participants:import_job_confirm", args=[job.pk])).status_code == 404
    assert client.post(reverse("participants:navigator_invite", args=[b.navigator.pk])).status_code == 404
    assert not NavigatorInvitation.objects.exists()
    job.refresh_from_db()
    assert job.state == ImportJob.State.VALID


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_regions_venue_import_is_404(client, matrix_world, role):
    from django.core.files.base import ContentFile

    from participants.models import ImportJob
    from venues.models import Venue

    job = ImportJob(kind="venues", created_by=matrix_world.b.coordinator.user, file_name="b.csv", table_kind="csv",
                    state=ImportJob.State.VALID)
    job.file.save("b.csv", ContentFile(b"x"), save=True)
    venues = Venue.objects.count()
    client.force_login(user_of(matrix_world, "a", role))
    assert client.get(reverse("participants:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("participants:import_job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportJob.State.VALID and Venue.objects.count() == venues


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "navigator"])
@pytest.mark.parametrize("kind", ["students", "navigators", "venues"])
def test_import_templates_never_name_another_region(client, matrix_world, role, kind):
    import io

    from openpyxl import load_workbook

    client.force_login(user_of(matrix_world, "a", role))
    response = client.get(reverse("participants:import_template", args=[kind]))
    if response.status_code == 404:
        assert role == "navigator" and kind in ("navigators", "venues")
        return
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert matrix_world.a.region.code in text
    for marker in foreign_markers(matrix_world.b):
        assert marker not in text
