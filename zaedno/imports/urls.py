from django.urls import path

from zaedno.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.job_list, name="list"),
    path("imports/template.<str:fmt>", views.template_download, name="template"),
    path("imports/<int:job_id>/", views.job_detail, name="detail"),
    path("imports/<int:job_id>/progress/", views.job_progress, name="progress"),
]
