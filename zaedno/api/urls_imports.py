"""API v1 routes for imports (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import imports

urlpatterns: list = [
    path("imports/services/", imports.ImportServicesView.as_view(), name="import-services-create"),
    path("imports/<int:job_id>/", imports.ImportDetailView.as_view(), name="import-detail"),
]
