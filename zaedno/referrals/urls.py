from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "referrals"
urlpatterns = [
    path("cases/<int:case_id>/referrals/", not_yet, name="case"),
    path("referrals/incoming/", not_yet, name="incoming"),
]
