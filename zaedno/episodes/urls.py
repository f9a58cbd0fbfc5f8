from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "episodes"
urlpatterns = [
    path("cases/<int:case_id>/history/", not_yet, name="case"),
]
