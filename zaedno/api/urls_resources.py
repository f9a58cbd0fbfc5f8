"""API v1 routes for the resource map (included by zaedno/api/urls.py)."""

urlpatterns: list = []
