from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "zaedno.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from zaedno.referrals.templatetags.referrals_nav import remember_on_login

        # Whether to show the "Incoming referrals" link is decided once at login (kept in the
        # session), so no page pays a query for it; see referrals_nav.
        user_logged_in.connect(remember_on_login, dispatch_uid="referrals.remember_on_login")
