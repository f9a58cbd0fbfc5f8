"""REST API v1 (``/api/v1/``): the version is in the URL; a v2 would get its own module."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from zaedno.api import (
    urls_assessments,
    urls_episodes,
    urls_imports,
    urls_join_requests,
    urls_meetings,
    urls_plans,
    urls_profiles,
    urls_referrals,
    urls_resources,
    urls_signals,
    urls_tools,
)
from zaedno.api.views import cases, children, directory, notifications, protocols

app_name = "api"
urlpatterns = [
    path("children/", children.ChildListView.as_view(), name="child-list"),
    path("children/<int:child_id>/", children.ChildDetailView.as_view(), name="child-detail"),
    path("cases/", cases.CaseListView.as_view(), name="case-list"),
    path("cases/emergency-access/", cases.EmergencyAccessView.as_view(), name="emergency-access"),
    path("cases/<int:case_id>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:case_id>/status/", cases.CaseStatusView.as_view(), name="case-status"),
    path("cases/<int:case_id>/team/", cases.TeamView.as_view(), name="case-team"),
    path(
        "cases/<int:case_id>/team/<int:member_id>/remove/",
        cases.TeamMemberRemoveView.as_view(),
        name="case-team-remove",
    ),
    path("cases/<int:case_id>/timeline/", cases.TimelineView.as_view(), name="case-timeline"),
    path("cases/<int:case_id>/notes/", cases.NotesView.as_view(), name="case-notes"),
    path("cases/<int:case_id>/access-log/", cases.AccessLogView.as_view(), name="case-access-log"),
    path("cases/<int:case_id>/steps/", protocols.CaseStepsView.as_view(), name="case-steps"),
    path(
        "cases/<int:case_id>/steps/<int:step_id>/done/",
        protocols.StepDoneView.as_view(),
        name="case-step-done",
    ),
    path(
        "cases/<int:case_id>/steps/<int:step_id>/not-applicable/",
        protocols.StepNotApplicableView.as_view(),
        name="case-step-not-applicable",
    ),
    path("cases/<int:case_id>/events/", protocols.CaseEventView.as_view(), name="case-events"),
    path("protocols/", protocols.ProtocolListView.as_view(), name="protocol-list"),
    path("protocols/<slug:code>/", protocols.ProtocolDetailView.as_view(), name="protocol-detail"),
    path(
        "protocols/<slug:code>/versions/<int:version>/",
        protocols.ProtocolVersionView.as_view(),
        name="protocol-version",
    ),
    path("me/work/", protocols.MyWorkView.as_view(), name="my-work"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", notifications.NotificationsReadView.as_view(), name="notifications-read"),
    path("organisations/", directory.OrganisationListView.as_view(), name="organisation-list"),
    path("professionals/", directory.ProfessionalListView.as_view(), name="professional-list"),
    path("me/", directory.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
# Case work (issue 4): each app keeps its routes in its own module.
# Issue 5: resources, referrals, episodes, imports, join requests.
for _module in (
    urls_meetings, urls_tools, urls_assessments, urls_profiles, urls_plans,
    urls_resources, urls_referrals, urls_episodes, urls_imports, urls_join_requests, urls_signals,
):  # fmt: skip
    urlpatterns += _module.urlpatterns
