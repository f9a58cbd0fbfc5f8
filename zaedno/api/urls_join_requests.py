"""API v1 routes for join_requests and the duplicate check (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import children, join_requests

urlpatterns: list = [
    path("children/duplicates/", children.DuplicateCheckView.as_view(), name="child-duplicates"),
    path("join-requests/", join_requests.JoinRequestListView.as_view(), name="join-request-list"),
    path(
        "join-requests/<int:request_id>/",
        join_requests.JoinRequestDetailView.as_view(),
        name="join-request-detail",
    ),
    path(
        "join-requests/<int:request_id>/accept/",
        join_requests.JoinRequestAcceptView.as_view(),
        name="join-request-accept",
    ),
    path(
        "join-requests/<int:request_id>/decline/",
        join_requests.JoinRequestDeclineView.as_view(),
        name="join-request-decline",
    ),
    path(
        "join-requests/<int:request_id>/withdraw/",
        join_requests.JoinRequestWithdrawView.as_view(),
        name="join-request-withdraw",
    ),
]
