"""API v1 routes for signals and the case lead (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import signals

S = "signals/<int:signal_id>/"
C = "cases/<int:case_id>/"
urlpatterns: list = [
    path("signals/", signals.SignalListView.as_view(), name="signal-list"),
    path("signals/incoming/", signals.IncomingView.as_view(), name="signal-incoming"),
    path(S, signals.SignalDetailView.as_view(), name="signal-detail"),
    path(S + "assign/", signals.SignalAssignView.as_view(), name="signal-assign"),
    path(S + "check/", signals.SignalCheckView.as_view(), name="signal-check"),
    path(S + "child/", signals.SignalChildView.as_view(), name="signal-child"),
    path(S + "decide/", signals.SignalDecideView.as_view(), name="signal-decide"),
    path(S + "forward/", signals.SignalForwardView.as_view(), name="signal-forward"),
    path(C + "lead/", signals.CaseLeadView.as_view(), name="case-lead"),
    path(C + "lead/accept/", signals.LeadAcceptView.as_view(), name="case-lead-accept"),
    path(C + "lead/decline/", signals.LeadDeclineView.as_view(), name="case-lead-decline"),
    path(C + "deputy/", signals.CaseDeputyView.as_view(), name="case-deputy"),
]
