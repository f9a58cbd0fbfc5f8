from django.urls import path

from zaedno.accounts import views

app_name = "accounts"
urlpatterns = [
    path("absence/", views.absence, name="absence"),
]
