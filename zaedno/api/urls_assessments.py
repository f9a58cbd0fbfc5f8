"""API v1 routes for assessments (included by zaedno/api/urls.py)."""

urlpatterns: list = []
