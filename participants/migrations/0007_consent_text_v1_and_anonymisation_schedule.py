"""The first consent text (operator staff publish later versions in the admin) and the daily beat entry of the
anonymisation job (152-ФЗ art. 21: personal data erased within 30 days of a withdrawal)."""

from django.db import migrations

from participants.consent_texts import install_consent_text

TASK = "participants.anonymise_withdrawn"
ENTRY = "Обезличивание данных после отзыва согласия (ежедневно)"


def forwards(apps, schema_editor):
    install_consent_text(apps.get_model)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Moscow"
    )
    PeriodicTask.objects.update_or_create(name=ENTRY, defaults={"task": TASK, "crontab": schedule, "enabled": True})


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=ENTRY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_consent_texts_subjects_destruction_acts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
