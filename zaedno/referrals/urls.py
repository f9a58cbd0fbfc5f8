from django.urls import path

from zaedno.referrals import views

app_name = "referrals"
C = "cases/<int:case_id>/referrals/"
IN = "referrals/incoming/"
urlpatterns = [
    path(C, views.case_referrals, name="case"),
    path(C + "<int:referral_id>/", views.referral_detail, name="detail"),
    path(C + "<int:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path(C + "<int:referral_id>/complete/", views.referral_complete, name="complete"),
    path(IN, views.incoming_list, name="incoming"),
    path(IN + "<int:referral_id>/", views.incoming_detail, name="incoming_detail"),
    path(IN + "<int:referral_id>/accept/", views.incoming_accept, name="incoming_accept"),
    path(IN + "<int:referral_id>/decline/", views.incoming_decline, name="incoming_decline"),
]
