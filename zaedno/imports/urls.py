from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "imports"
urlpatterns = [
    path("imports/", not_yet, name="list"),
]
