"""API v1 routes for referrals (included by zaedno/api/urls.py)."""

urlpatterns: list = []
