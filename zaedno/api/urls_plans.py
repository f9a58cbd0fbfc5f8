"""API v1 routes for plans (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import plans

C = "cases/<int:case_id>/"
P = C + "plans/<int:plan_id>/"
urlpatterns: list = [
    path(C + "plans/", plans.PlanListView.as_view(), name="case-plan-list"),
    path(P, plans.PlanDetailView.as_view(), name="case-plan-detail"),
    path(P + "agree/", plans.PlanAgreeView.as_view(), name="case-plan-agree"),
    path(P + "confirm/", plans.PlanConfirmView.as_view(), name="case-plan-confirm"),
    path(P + "reviews/", plans.PlanReviewView.as_view(), name="case-plan-reviews"),
    path(
        P + "actions/<int:action_id>/status/",
        plans.ActionStatusView.as_view(),
        name="case-plan-action-status",
    ),
    path(C + "outcomes/", plans.OutcomesView.as_view(), name="case-plan-outcomes"),
    path(C + "follow-ups/", plans.FollowUpListView.as_view(), name="case-plan-follow-ups"),
    path(
        C + "follow-ups/<int:checkin_id>/done/",
        plans.FollowUpDoneView.as_view(),
        name="case-plan-follow-up-done",
    ),
]
