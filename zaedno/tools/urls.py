from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "tools"
urlpatterns = [
    path("cases/<int:case_id>/tools/", not_yet, name="list"),
]
