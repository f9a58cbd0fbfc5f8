from django.urls import path

from zaedno.profiles import views

app_name = "profiles"
urlpatterns = [
    path("cases/<int:case_id>/profile/", views.profile_case, name="case"),
    path("cases/<int:case_id>/profile/indicators/", views.indicator_add, name="indicator_add"),
    path(
        "cases/<int:case_id>/profile/indicators/<int:indicator_id>/withdraw/",
        views.indicator_withdraw,
        name="indicator_withdraw",
    ),
    path("difficult-cases/criteria/", views.criteria_page, name="criteria"),
]
