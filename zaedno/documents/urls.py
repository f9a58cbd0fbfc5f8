from django.urls import path

from zaedno.documents import views

app_name = "documents"
urlpatterns = [
    path("cases/<int:case_id>/documents/", views.document_list, name="list"),
    path("cases/<int:case_id>/documents/family-sheet/", views.family_sheet_page, name="family_sheet"),
    path("cases/<int:case_id>/documents/family-sheet.pdf", views.family_sheet_pdf, name="family_sheet_pdf"),
]
