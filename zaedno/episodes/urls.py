from django.urls import path

from zaedno.episodes import views

app_name = "episodes"
urlpatterns = [
    path("cases/<int:case_id>/history/", views.history, name="case"),
    path("cases/<int:case_id>/history/start/", views.start, name="start"),
    path("cases/<int:case_id>/history/move/", views.move, name="move"),
    path("cases/<int:case_id>/history/<int:episode_id>/end/", views.end, name="end"),
]
