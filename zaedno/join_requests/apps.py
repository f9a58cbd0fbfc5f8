from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JoinRequestsConfig(AppConfig):
    name = "zaedno.join_requests"
    label = "join_requests"
    verbose_name = _("Requests to join a case team")
