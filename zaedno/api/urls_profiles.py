"""API v1 routes for profiles (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import profiles

urlpatterns: list = [
    path("cases/<int:case_id>/profile/", profiles.ProfileView.as_view(), name="case-profile"),
    path("cases/<int:case_id>/indicators/", profiles.IndicatorsView.as_view(), name="case-indicators"),
    path(
        "cases/<int:case_id>/indicators/<int:indicator_id>/withdraw/",
        profiles.IndicatorWithdrawView.as_view(),
        name="case-indicator-withdraw",
    ),
    path("difficult-case-criteria/", profiles.CriteriaView.as_view(), name="difficult-case-criteria"),
]
