from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "meetings"
urlpatterns = [
    path("cases/<int:case_id>/meetings/", not_yet, name="list"),
    path("cases/<int:case_id>/decisions/", not_yet, name="decisions"),
]
