from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "profiles"
urlpatterns = [
    path("cases/<int:case_id>/profile/", not_yet, name="case"),
    path("difficult-cases/criteria/", not_yet, name="criteria"),
]
