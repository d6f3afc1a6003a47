"""Migration 0009: a navigator's invitation keeps its state in `status` and `answered_at`; every row keeps what it
said, and the way back restores `accepted_at` and `revoked_at`."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("participants", "0008_merge_20261206_1431")]
AFTER = [("participants", "0009_emailed_invitation_status")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_navigator_invitations_keep_their_state_both_ways():
    apps = _migrate(BEFORE)
    try:
        User = apps.get_model("bilet", "User")
        Invitation = apps.get_model("participants", "NavigatorInvitation")
        now = timezone.now().replace(microsecond=0)
        day = dt.timedelta(days=1)
        accepted_user = User.objects.create(email="accepted@test.example", password="!")
        waiting_user = User.objects.create(email="waiting@test.example", password="!")

        def invitation(user, token, sent, **dates):
            return Invitation.objects.create(
                user=user, token_hash=token * 64, sent_at=sent, expires_at=sent + 14 * day, **dates
            ).pk

        replaced = invitation(accepted_user, "a", now - 3 * day, revoked_at=now - 2 * day)
        accepted = invitation(accepted_user, "b", now - 2 * day, accepted_at=now - day)
        # Two pending links of one account (two sendings at once): the older counts as replaced by the newer.
        doubled = invitation(waiting_user, "c", now - 2 * day)
        pending = invitation(waiting_user, "d", now - day)

        apps = _migrate(AFTER)
        Invitation = apps.get_model("participants", "NavigatorInvitation")
        rows = {row["pk"]: row for row in Invitation.objects.values("pk", "status", "answered_at", "token_hash")}
        assert (rows[replaced]["status"], rows[replaced]["answered_at"]) == ("cancelled", now - 2 * day)
        assert (rows[accepted]["status"], rows[accepted]["answered_at"]) == ("accepted", now - day)
        assert (rows[doubled]["status"], rows[doubled]["answered_at"]) == ("cancelled", now - day)
        assert (rows[pending]["status"], rows[pending]["answered_at"]) == ("pending", None)
        assert rows[accepted]["token_hash"] == "b" * 64

        apps = _migrate(BEFORE)
        Invitation = apps.get_model("participants", "NavigatorInvitation")
        back = {row["pk"]: row for row in Invitation.objects.values("pk", "accepted_at", "revoked_at")}
        assert (back[replaced]["accepted_at"], back[replaced]["revoked_at"]) == (None, now - 2 * day)
        assert (back[accepted]["accepted_at"], back[accepted]["revoked_at"]) == (now - day, None)
        assert (back[pending]["accepted_at"], back[pending]["revoked_at"]) == (None, None)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
