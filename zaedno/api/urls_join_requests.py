"""API v1 routes for join_requests (included by zaedno/api/urls.py)."""

urlpatterns: list = []
