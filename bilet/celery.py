import os
import threading
from smtplib import SMTPException

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilet.settings")

app = Celery("bilet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's autodiscovery returns at once in a thread while another thread runs it.
_discovering = threading.Lock()


# How every email task retries: OSError covers refused connections, timeouts and DNS failures, SMTPException a server
# that answered with an error; backing off up to 10 minutes, 8 times.
EMAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def send_task(name: str, **kwargs) -> None:
    """Send the task registered as `name`: how a service starts a task without importing it (SPEC §7). Through the
    task itself, so a configuration without a broker runs it in-process (eager) as it would run an imported one."""
    if name not in app.tasks:
        with _discovering:
            app.loader.import_default_modules()  # the apps' tasks modules, found by autodiscovery
    app.tasks[name].delay(**kwargs)
