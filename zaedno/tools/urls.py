from django.urls import path

from zaedno.tools import views

app_name = "tools"
urlpatterns = [
    path("cases/<int:case_id>/tools/", views.tool_list, name="list"),
    path("cases/<int:case_id>/tools/new/<slug:kind>/", views.tool_new, name="new"),
    path("cases/<int:case_id>/tools/<int:tool_id>/", views.tool_detail, name="detail"),
    path("cases/<int:case_id>/tools/<int:tool_id>/edit/", views.tool_edit, name="edit"),
    path("cases/<int:case_id>/tools/<int:tool_id>/v/<int:number>/", views.tool_detail, name="version"),
    path("cases/<int:case_id>/tools/<int:tool_id>/v/<int:number>/print/", views.tool_print, name="print"),
    path("cases/<int:case_id>/tools/<int:tool_id>/v/<int:number>/pdf/", views.tool_pdf, name="pdf"),
]
