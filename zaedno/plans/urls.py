from django.urls import path

from zaedno.plans import views

app_name = "plans"
P = "cases/<int:case_id>/plan/"
urlpatterns = [
    path(P, views.plan_page, name="case"),
    path(P + "start/", views.plan_start, name="start"),
    path(P + "<int:plan_id>/", views.plan_detail, name="detail"),
    path(P + "<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path(P + "<int:plan_id>/new-version/", views.plan_new_version, name="new_version"),
    path(P + "<int:plan_id>/agree/", views.plan_agree, name="agree"),
    path(P + "<int:plan_id>/confirm/", views.plan_confirm, name="confirm"),
    path(P + "<int:plan_id>/review/", views.plan_review, name="review"),
    path(P + "<int:plan_id>/actions/<int:action_id>/status/", views.action_status, name="action_status"),
    path(P + "<int:plan_id>/print/", views.plan_print, name="print"),
    path(P + "<int:plan_id>/pdf/", views.plan_pdf, name="pdf"),
    path("cases/<int:case_id>/follow-up/schedule/", views.followup_schedule, name="followup_schedule"),
    path("cases/<int:case_id>/follow-up/<int:checkin_id>/done/", views.followup_done, name="followup_done"),
]
