from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "assessments"
urlpatterns = [
    path("cases/<int:case_id>/assessment/", not_yet, name="case"),
]
