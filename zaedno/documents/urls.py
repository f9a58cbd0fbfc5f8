from django.urls import path

from zaedno.core.placeholder import not_yet

app_name = "documents"
urlpatterns = [
    path("cases/<int:case_id>/documents/", not_yet, name="list"),
]
