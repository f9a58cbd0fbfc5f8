"""API v1 routes for tools (included by zaedno/api/urls.py)."""

urlpatterns: list = []
