"""The parents' and the navigators' invitations share one shape (`EmailedInvitation`): a navigator's invitation
keeps its state in `status` and `answered_at` as a parent's does, instead of `accepted_at` and `revoked_at`.

Every row keeps what it said: accepted on a day → accepted, answered that day; replaced on a day → cancelled,
answered that day; neither → pending. Of two pending invitations of one account (two sendings at once, before the
constraint below) the older is marked replaced, as the second sending meant. The way back restores both columns."""

from django.conf import settings
from django.db import migrations, models


def status_from_dates(apps, schema_editor):
    NavigatorInvitation = apps.get_model("participants", "NavigatorInvitation")
    NavigatorInvitation.objects.filter(accepted_at__isnull=False).update(
        status="accepted", answered_at=models.F("accepted_at")
    )
    NavigatorInvitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=False).update(
        status="cancelled", answered_at=models.F("revoked_at")
    )
    latest_pending = {}
    for pk, user_id, sent_at in (
        NavigatorInvitation.objects.filter(status="pending").order_by("sent_at", "pk").values_list("pk", "user_id", "sent_at")
    ):
        older = latest_pending.get(user_id)
        if older is not None:
            NavigatorInvitation.objects.filter(pk=older).update(status="cancelled", answered_at=sent_at)
        latest_pending[user_id] = pk


def dates_from_status(apps, schema_editor):
    NavigatorInvitation = apps.get_model("participants", "NavigatorInvitation")
    NavigatorInvitation.objects.filter(status="accepted").update(accepted_at=models.F("answered_at"))
    NavigatorInvitation.objects.filter(status="cancelled").update(revoked_at=models.F("answered_at"))


STATUS_CHOICES = [
    ("pending", "awaiting an answer"),
    ("accepted", "accepted"),
    ("refused", "refused"),
    ("cancelled", "replaced by a newer invitation"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("participants", "0008_merge_20261206_1431"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="navigatorinvitation",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="pending", max_length=10, verbose_name="status"),
        ),
        migrations.AddField(
            model_name="navigatorinvitation",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
        ),
        migrations.RunPython(status_from_dates, dates_from_status),
        migrations.RemoveField(model_name="navigatorinvitation", name="accepted_at"),
        migrations.RemoveField(model_name="navigatorinvitation", name="revoked_at"),
        migrations.AlterField(
            model_name="navigatorinvitation",
            name="token_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name="link digest"),
        ),
        migrations.AlterField(
            model_name="navigatorinvitation",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
        ),
        migrations.AlterField(
            model_name="navigatorinvitation",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="link expires at"),
        ),
        migrations.AlterField(
            model_name="guardianinvitation",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="pending", max_length=10, verbose_name="status"),
        ),
        migrations.AddConstraint(
            model_name="navigatorinvitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")), fields=("user",), name="navigator_invitation_one_pending"
            ),
        ),
    ]
