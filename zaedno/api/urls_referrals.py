"""API v1 routes for referrals (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import referrals

C = "cases/<int:case_id>/referrals/"
IN = "referrals/incoming/"
urlpatterns: list = [
    path(C, referrals.CaseReferralsView.as_view(), name="case-referral-list"),
    path(C + "<int:referral_id>/", referrals.CaseReferralDetailView.as_view(), name="case-referral-detail"),
    path(
        C + "<int:referral_id>/withdraw/",
        referrals.CaseReferralWithdrawView.as_view(),
        name="case-referral-withdraw",
    ),
    path(
        C + "<int:referral_id>/complete/",
        referrals.CaseReferralCompleteView.as_view(),
        name="case-referral-complete",
    ),
    path(IN, referrals.IncomingReferralsView.as_view(), name="incoming-referral-list"),
    path(
        IN + "<int:referral_id>/",
        referrals.IncomingReferralDetailView.as_view(),
        name="incoming-referral-detail",
    ),
    path(
        IN + "<int:referral_id>/accept/",
        referrals.IncomingReferralAcceptView.as_view(),
        name="incoming-referral-accept",
    ),
    path(
        IN + "<int:referral_id>/decline/",
        referrals.IncomingReferralDeclineView.as_view(),
        name="incoming-referral-decline",
    ),
]
