from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'participants'
    verbose_name = _("participants")

    def ready(self):
        from .navigation import register

        register()
        # Registered with Celery at start-up: services enqueue the invitation email by the task's name.
        from . import tasks  # noqa: F401
