"""The parent's invitation goes through Redis and a real Celery worker (issue 14 §1: emails via a Celery task)."""

import re

import pytest
from django.urls import reverse

from participants.models import GuardianInvitation
from participants.tests.test_registration import _form

pytestmark = pytest.mark.celery_worker


def test_signup_invites_the_parent_through_the_worker(client, world, celery_worker):
    response = client.post(reverse("account_signup"), _form(world))
    assert response.status_code == 302
    (message,) = celery_worker.read_mail(count=1)
    assert message["To"] == "olga@test.example"
    body = message.get_content()
    path = re.search(r"https?://testserver(/invitations/\S+/)", body).group(1)
    invitation = GuardianInvitation.objects.get(email="olga@test.example")
    assert invitation.sent_at is not None and invitation.status == "pending"
    client.logout()
    assert client.get(path).context["state"] == "open"
