"""Confirmed bookings are told to their families from the bookings themselves (an outbox): a flag written with the
booking, a partial index of the flagged ones, and the beat entry that tells them every 10 seconds.

The bookings already made were told when they were made: they are written without the flag (an instant column on
PostgreSQL: a constant default, kept in the database for the bulk loaders that leave the column out). django-celery-beat's DatabaseScheduler reads the entry; operator staff may change its
interval in the admin, and migrating again never overwrites that."""

from django.db import migrations, models

TASK = "venues.tell_confirmed_bookings"
NAME = "Сообщить семьям о подтверждённых записях"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=10, period="seconds")
    # A run not started within a minute (no worker free) is dropped: the next one tells the same bookings.
    PeriodicTask.objects.get_or_create(
        task=TASK, defaults={"name": NAME, "interval": every, "enabled": True, "expire_seconds": 60,
                             "description": "venues.tasks.notifications.tell_confirmed_bookings"}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("venues", "0005_media_files"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="notify_pending",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="family still to be told"
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("notify_pending", True)), fields=["id"], name="booking_notify_pending_idx"
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
