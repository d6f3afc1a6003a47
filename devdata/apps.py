from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """The demo and load data of SPEC §6: development and benchmarks only. The top app: it may import every other."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "devdata"
