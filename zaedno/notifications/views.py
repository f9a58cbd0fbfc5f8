"""The notification centre (известия): list, open, mark read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_mark_read

PAGE_SIZE = 30


def _own(request, notification_id) -> Notification:
    """One of the user's own notifications; another user's answers 404."""
    n = Notification.objects.filter(user=request.user, pk=notification_id).first()
    if n is None:
        raise Http404
    return n


@login_required
def notification_list(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "only_unread": only_unread})


@login_required
def notification_open(request, notification_id):
    """Mark as read and go where the notification points (only to this site)."""
    n = _own(request, notification_id)
    notifications_mark_read(user=request.user, ids=[n.pk])
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, notification_id):
    n = _own(request, notification_id)
    notifications_mark_read(user=request.user, ids=[n.pk])
    if request.htmx:
        n.refresh_from_db()
        return render(request, "notifications/_item.html", {"n": n})
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")
