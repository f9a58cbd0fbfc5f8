from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "resources"
urlpatterns = [
    path("resources/", not_yet, name="list"),
    path("resources/map/", not_yet, name="map"),
]
