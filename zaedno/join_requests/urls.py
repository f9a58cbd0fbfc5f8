from django.urls import path

from zaedno.join_requests import views

app_name = "join_requests"
urlpatterns = [
    path("join-requests/", views.request_list, name="list"),
    path("join-requests/new/", views.request_new, name="new"),
    path("join-requests/<int:request_id>/", views.request_detail, name="detail"),
    path("join-requests/<int:request_id>/accept/", views.request_accept, name="accept"),
    path("join-requests/<int:request_id>/decline/", views.request_decline, name="decline"),
    path("join-requests/<int:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
]
