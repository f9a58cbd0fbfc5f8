from django.urls import path

from zaedno.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.csv", views.case_export, name="export"),
    path("new/", views.case_open, name="open"),
    path("emergency/", views.emergency, name="emergency"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/notes/", views.note_add, name="note_add"),
    path("<int:case_id>/edit/", views.case_edit, name="edit"),
    path("<int:case_id>/status/", views.case_status, name="status"),
    path("<int:case_id>/team/add/", views.team_add, name="team_add"),
    path("<int:case_id>/team/search/", views.team_search, name="team_search"),
    path("<int:case_id>/team/<int:member_id>/remove/", views.team_remove, name="team_remove"),
    path("<int:case_id>/lead/", views.case_lead, name="lead"),
    path("<int:case_id>/lead/answer/", views.lead_answer, name="lead_answer"),
    path("<int:case_id>/lead/withdraw/", views.lead_withdraw, name="lead_withdraw"),
    path("<int:case_id>/deputy/", views.deputy, name="deputy"),
    path(
        "<int:case_id>/emergency/<int:grant_id>/review/",
        views.break_glass_review,
        name="break_glass_review",
    ),
]
