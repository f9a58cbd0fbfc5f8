from django.urls import path

from zaedno.signals import views

app_name = "signals"
urlpatterns = [
    path("", views.signal_list, name="list"),
    path("new/", views.signal_new, name="new"),
    path("incoming/", views.incoming, name="incoming"),
    path("duty/", views.duty, name="duty"),
    path("<int:signal_id>/", views.signal_detail, name="detail"),
    path("<int:signal_id>/assign/", views.signal_assign, name="assign"),
    path("<int:signal_id>/check/", views.signal_check, name="check"),
    path("<int:signal_id>/child/", views.signal_child, name="child"),
    path("<int:signal_id>/decide/", views.signal_decide, name="decide"),
    path("<int:signal_id>/forward/", views.signal_forward, name="forward"),
]
