from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zaedno.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", core_views.home, name="home"),
    path("cases/", include("zaedno.cases.urls")),
    path("children/", include("zaedno.children.urls")),
    path("signals/", include("zaedno.signals.urls")),
    path("me/", include("zaedno.accounts.urls")),
    path("notifications/", include("zaedno.notifications.urls")),
    path("", include("zaedno.protocols.urls")),
    path("", include("zaedno.meetings.urls")),
    path("", include("zaedno.tools.urls")),
    path("", include("zaedno.assessments.urls")),
    path("", include("zaedno.profiles.urls")),
    path("", include("zaedno.plans.urls")),
    path("", include("zaedno.documents.urls")),
    path("", include("zaedno.resources.urls")),
    path("", include("zaedno.referrals.urls")),
    path("", include("zaedno.episodes.urls")),
    path("", include("zaedno.imports.urls")),
    path("", include("zaedno.join_requests.urls")),
    path("api/v1/", include("zaedno.api.urls")),
    path(f"{settings.ZAEDNO_ADMIN_PATH}/", admin.site.urls),
]
