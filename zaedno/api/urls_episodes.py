"""API v1 routes for episodes (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import episodes

urlpatterns: list = [
    path("cases/<int:case_id>/episodes/", episodes.EpisodesView.as_view(), name="case-episodes"),
    path(
        "cases/<int:case_id>/episodes/<int:episode_id>/end/",
        episodes.EpisodeEndView.as_view(),
        name="case-episode-end",
    ),
    path("cases/<int:case_id>/moves/", episodes.MovesView.as_view(), name="case-moves"),
    path(
        "cases/<int:case_id>/planned-moves/", episodes.PlannedMovesView.as_view(), name="case-planned-moves"
    ),
    path(
        "cases/<int:case_id>/planned-moves/<int:planned_id>/confirm/",
        episodes.PlannedMoveConfirmView.as_view(),
        name="case-planned-move-confirm",
    ),  # fmt: skip
]
