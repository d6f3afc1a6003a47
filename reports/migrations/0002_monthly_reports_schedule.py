"""The beat entry that builds every region's monthly report on the 1st of each month (issue 13 §4).

django-celery-beat's DatabaseScheduler reads it (`celery -A bilet beat -S django_celery_beat.schedulers:DatabaseScheduler`);
operator staff may change its time in the admin, and migrating again never overwrites that."""

from django.conf import settings
from django.db import migrations

TASK = "reports.tasks.build_monthly_reports"
NAME = "Ежемесячные отчёты регионов за прошлый месяц"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 03:00 Moscow time on the 1st: the month before has ended everywhere the portal's time zone counts it.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_month="1", month_of_year="*", day_of_week="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        task=TASK, defaults={"name": NAME, "crontab": crontab, "enabled": True,
                             "description": "issue 13: reports.tasks.build_monthly_reports"}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reports_and_submissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
