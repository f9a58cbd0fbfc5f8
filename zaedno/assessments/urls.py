from django.urls import path

from zaedno.assessments import views

app_name = "assessments"
urlpatterns = [
    path("cases/<int:case_id>/assessment/", views.assessment_case, name="case"),
    path("cases/<int:case_id>/assessment/start/", views.assessment_start, name="start"),
    path("cases/<int:case_id>/assessment/history/", views.assessment_history, name="history"),
    path("cases/<int:case_id>/assessment/<int:assessment_id>/", views.assessment_detail, name="detail"),
    path(
        "cases/<int:case_id>/assessment/<int:assessment_id>/contribution/",
        views.contribution_edit,
        name="contribute",
    ),
    path(
        "cases/<int:case_id>/assessment/<int:assessment_id>/formulation/",
        views.formulation_edit,
        name="formulation",
    ),
    path(
        "cases/<int:case_id>/assessment/<int:assessment_id>/complete/",
        views.assessment_complete,
        name="complete",
    ),
    path("cases/<int:case_id>/assessment/<int:assessment_id>/print/", views.assessment_print, name="print"),
    path("cases/<int:case_id>/assessment/<int:assessment_id>/pdf/", views.assessment_pdf, name="pdf"),
]
