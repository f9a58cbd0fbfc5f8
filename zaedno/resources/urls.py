from django.urls import path

from zaedno.resources import views

app_name = "resources"
urlpatterns = [
    path("resources/", views.service_list, name="list"),
    path("resources/map/", views.service_map, name="map"),
    path("resources/new/", views.service_new, name="new"),
    path("resources/export.csv", views.service_export, {"fmt": "csv"}, name="export_csv"),
    path("resources/export.xlsx", views.service_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("resources/<int:service_id>/", views.service_detail, name="detail"),
    path("resources/<int:service_id>/edit/", views.service_edit, name="edit"),
    path("resources/<int:service_id>/confirm/", views.service_confirm_view, name="confirm"),
]
