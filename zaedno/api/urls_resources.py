"""API v1 routes for the resource map (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import resources

urlpatterns: list = [
    path("services/", resources.ServiceListView.as_view(), name="service-list"),
    path("services/<int:service_id>/", resources.ServiceDetailView.as_view(), name="service-detail"),
    path(
        "services/<int:service_id>/confirm/", resources.ServiceConfirmView.as_view(), name="service-confirm"
    ),
]
