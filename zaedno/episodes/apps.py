from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpisodesConfig(AppConfig):
    name = "zaedno.episodes"
    label = "episodes"
    verbose_name = _("Service and school history")
