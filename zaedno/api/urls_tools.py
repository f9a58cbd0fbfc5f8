"""API v1 routes for tools (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import tools

urlpatterns: list = [
    path("cases/<int:case_id>/tools/", tools.CaseToolsView.as_view(), name="case-tool-list"),
    path(
        "cases/<int:case_id>/tools/<int:tool_id>/",
        tools.CaseToolDetailView.as_view(),
        name="case-tool-detail",
    ),
    path(
        "cases/<int:case_id>/tools/<int:tool_id>/versions/",
        tools.CaseToolVersionsView.as_view(),
        name="case-tool-versions",
    ),
    path(
        "cases/<int:case_id>/tools/<int:tool_id>/versions/<int:number>/",
        tools.CaseToolVersionView.as_view(),
        name="case-tool-version",
    ),
]
