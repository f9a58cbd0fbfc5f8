"""API v1 routes for episodes (included by zaedno/api/urls.py)."""

urlpatterns: list = []
