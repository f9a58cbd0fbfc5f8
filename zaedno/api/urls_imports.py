"""API v1 routes for imports (included by zaedno/api/urls.py)."""

urlpatterns: list = []
