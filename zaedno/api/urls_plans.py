"""API v1 routes for plans (included by zaedno/api/urls.py)."""

urlpatterns: list = []
