"""Writes of notifications."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from zaedno.notifications.models import Notification


def notification_send(
    *, user, kind: str, title: str, body: str = "", url: str = "", case_id=None, email: bool = True
) -> Notification:
    """Create an in-app notification; the e-mail goes out from the worker after commit."""
    n = Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url, case_id=case_id)
    if email and user.email:
        from zaedno.notifications.tasks import notification_email

        transaction.on_commit(partial(notification_email.enqueue, n.pk))
    return n


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
