from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "zaedno.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Registers the schema extensions (bearer token) with drf-spectacular.
        from zaedno.api import schema  # noqa: F401
