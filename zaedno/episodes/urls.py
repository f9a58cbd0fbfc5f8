from django.urls import path

from zaedno.episodes import views

app_name = "episodes"
urlpatterns = [
    path("cases/<int:case_id>/history/", views.history, name="case"),
    path("cases/<int:case_id>/history/start/", views.start, name="start"),
    path("cases/<int:case_id>/history/move/", views.move, name="move"),
    path("cases/<int:case_id>/history/<int:episode_id>/end/", views.end, name="end"),
    path("cases/<int:case_id>/history/planned/new/", views.plan_move, name="plan"),
    path(
        "cases/<int:case_id>/history/planned/<int:planned_id>/decide/",
        views.planned_decide,
        name="planned_decide",
    ),
    path(
        "cases/<int:case_id>/history/planned/<int:planned_id>/confirm/",
        views.planned_confirm,
        name="planned_confirm",
    ),
    path(
        "cases/<int:case_id>/history/planned/<int:planned_id>/withdraw/",
        views.planned_withdraw,
        name="planned_withdraw",
    ),  # fmt: skip
]
