from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "zaedno.signals"
    label = "signals"
    verbose_name = _("Signals")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from zaedno.signals.templatetags.signals_nav import remember_on_login

        # Which links the navigation shows (incoming signals, open a case) is decided at login and
        # kept in the session, so no page pays a query for it; see signals_nav.
        user_logged_in.connect(remember_on_login, dispatch_uid="signals.remember_on_login")
