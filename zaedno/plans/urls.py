from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "plans"
urlpatterns = [
    path("cases/<int:case_id>/plan/", not_yet, name="case"),
]
