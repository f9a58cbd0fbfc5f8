from __future__ import annotations

from django.conf import settings


def zaedno(request):
    """Values every page needs: unread notifications count and whether this is the demo."""
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": unread, "ZAEDNO_DEMO": settings.DEMO}
