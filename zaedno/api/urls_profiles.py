"""API v1 routes for profiles (included by zaedno/api/urls.py)."""

urlpatterns: list = []
