from django.urls import path

from zaedno.children import views

app_name = "children"
urlpatterns = [
    path("new/", views.child_register, name="register"),
    path("settlements/", views.settlement_search, name="settlements"),
    path("<int:child_id>/", views.child_detail, name="detail"),
    path("<int:child_id>/edit/", views.child_edit, name="edit"),
    path("<int:child_id>/relatives/", views.relative_add, name="relative_add"),
    path("<int:child_id>/merge/", views.child_merge_page, name="merge"),
]
