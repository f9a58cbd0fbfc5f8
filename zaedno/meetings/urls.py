from django.urls import path

from zaedno.meetings import views

app_name = "meetings"
M = "cases/<int:case_id>/meetings/<int:meeting_id>/"
D = "cases/<int:case_id>/decisions/<int:decision_id>/"
urlpatterns = [
    path("cases/<int:case_id>/meetings/", views.meeting_list, name="list"),
    path("cases/<int:case_id>/meetings/new/", views.meeting_schedule, name="schedule"),
    path(M, views.meeting_detail, name="detail"),
    path(M + "reschedule/", views.meeting_reschedule, name="reschedule"),
    path(M + "cancel/", views.meeting_cancel, name="cancel"),
    path(M + "invite/", views.meeting_invite, name="invite"),
    path(M + "attendance/", views.meeting_attendance, name="attendance"),
    path(M + "minutes/", views.meeting_minutes, name="minutes"),
    path(M + "hold/", views.meeting_hold, name="hold"),
    path(M + "confirm/", views.meeting_confirm, name="confirm"),
    path(M + "confirm/oral/", views.meeting_confirm_oral, name="confirm_oral"),
    path(M + "addenda/", views.addendum_add, name="addendum"),
    path(M + "decisions/new/", views.decision_add, name="decision_add"),
    path(M + "review/<int:decision_id>/", views.decision_review, name="review"),
    path(M + "meeting.ics", views.meeting_ics, name="ics"),
    path(M + "print/", views.minutes_print, name="print"),
    path(M + "minutes.pdf", views.minutes_pdf, name="pdf"),
    path("cases/<int:case_id>/decisions/", views.decision_list, name="decisions"),
    path(D, views.decision_detail, name="decision"),
    path(D + "edit/", views.decision_edit, name="decision_edit"),
    path(D + "due/", views.decision_due_change, name="decision_due"),
]
