from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zaedno.core"
    label = "core"
    verbose_name = "Zaedno core"
