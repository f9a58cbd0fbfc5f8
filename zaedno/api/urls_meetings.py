"""API v1 routes for meetings (included by zaedno/api/urls.py)."""

urlpatterns: list = []
