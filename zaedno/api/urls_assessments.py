"""API v1 routes for assessments (included by zaedno/api/urls.py)."""

from django.urls import path

from zaedno.api.views import assessments

urlpatterns: list = [
    path(
        "cases/<int:case_id>/assessments/", assessments.AssessmentListView.as_view(), name="case-assessments"
    ),
    path(
        "cases/<int:case_id>/assessments/<int:assessment_id>/",
        assessments.AssessmentDetailView.as_view(),
        name="case-assessment",
    ),
    path(
        "cases/<int:case_id>/assessments/<int:assessment_id>/contributions/<slug:sector>/",
        assessments.ContributionView.as_view(),
        name="case-assessment-contribution",
    ),
    path(
        "cases/<int:case_id>/assessments/<int:assessment_id>/formulation/",
        assessments.FormulationView.as_view(),
        name="case-assessment-formulation",
    ),
    path(
        "cases/<int:case_id>/assessments/<int:assessment_id>/complete/",
        assessments.CompleteView.as_view(),
        name="case-assessment-complete",
    ),
]
