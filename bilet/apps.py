from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiletConfig(AppConfig):
    name = "bilet"
    verbose_name = _("accounts and security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import auth_log, ids  # noqa: F401 — `ids` registers the bounded `in` lookup of integer columns
        # The notification email task, registered in every process: `notify` sends it by name, and without a broker
        # (tests, development) a registered task runs in-process instead of going to a broker that is not there.
        from . import tasks  # noqa: F401

        # Pillow's own guard against decompression bombs at the portal's limit, wherever an image is opened.
        from django.conf import settings
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = settings.MEDIA_PHOTO_MAX_PIXELS

        user_logged_in.connect(auth_log.on_user_logged_in, dispatch_uid="bilet.auth_log.logged_in")
        user_login_failed.connect(auth_log.on_user_login_failed, dispatch_uid="bilet.auth_log.login_failed")
