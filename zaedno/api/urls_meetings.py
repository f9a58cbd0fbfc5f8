"""API v1 routes for meetings and decisions (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import meetings

M = "cases/<int:case_id>/meetings/<int:meeting_id>/"
D = "cases/<int:case_id>/decisions/<int:decision_id>/"
urlpatterns = [
    path("cases/<int:case_id>/meetings/", meetings.MeetingListView.as_view(), name="case-meeting-list"),
    path(M, meetings.MeetingDetailView.as_view(), name="case-meeting-detail"),
    path(M + "attendance/", meetings.MeetingAttendanceView.as_view(), name="case-meeting-attendance"),
    path(M + "minutes/", meetings.MeetingMinutesView.as_view(), name="case-meeting-minutes"),
    path(M + "hold/", meetings.MeetingHoldView.as_view(), name="case-meeting-hold"),
    path(M + "confirm/", meetings.MeetingConfirmView.as_view(), name="case-meeting-confirm"),
    path(M + "addenda/", meetings.MeetingAddendumView.as_view(), name="case-meeting-addenda"),
    path(M + "cancel/", meetings.MeetingCancelView.as_view(), name="case-meeting-cancel"),
    path(M + "decisions/", meetings.MeetingDecisionView.as_view(), name="case-meeting-decisions"),
    path("cases/<int:case_id>/decisions/", meetings.DecisionListView.as_view(), name="case-decision-list"),
    path(D, meetings.DecisionDetailView.as_view(), name="case-decision-detail"),
    path(D + "progress/", meetings.DecisionProgressView.as_view(), name="case-decision-progress"),
    path(D + "due/", meetings.DecisionDueChangeView.as_view(), name="case-decision-due"),
    path("me/decisions/", meetings.MyDecisionsView.as_view(), name="me-decisions"),
]
