from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'venues'
    verbose_name = _("venues and practicums")

    def ready(self):
        from . import consents, diagnostics, navigation
        from .services import imports

        navigation.register()
        diagnostics.register()
        consents.register()
        imports.register_import()
