from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "join_requests"
urlpatterns = [
    path("join-requests/", not_yet, name="list"),
]
