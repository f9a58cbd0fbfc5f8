"""Writes of notifications."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from zaedno.notifications.models import Notification


def notification_send(
    *, user, kind: str, title: str, body: str = "", params: dict | None = None, url: str = "", case_id=None,
    email: bool = True,
) -> Notification:  # fmt: skip
    """Create an in-app notification; the e-mail goes out from the worker after commit.

    The e-mail carries the title, a date and a link (``tasks.email_text``), never the ``body``:
    a title holds numbers, dates and labels only; free text (a reason, a message) goes in the
    body, read after signing in.

    ``title`` and ``body`` are messages (gettext_noop msgids) filled with ``params``; they are
    written in the default language (Bulgarian), whatever language the sender's page was in.
    """
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext(title) % params if params else gettext(title)
        body = (gettext(body) % params if params else gettext(body)) if body else ""
    n = Notification.objects.create(
        user=user, kind=kind, title=title[:200], body=body, url=url, case_id=case_id
    )
    if email and user.email:
        from zaedno.notifications.tasks import notification_email

        transaction.on_commit(partial(notification_email.enqueue, n.pk))
    return n


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def office_email_send(
    *, address: str, title: str, params: dict | None = None, body: str = "", path: str = ""
) -> None:
    """E-mail an organisation's office address after commit (the title as for ``notification_send``).

    The e-mail carries the title, a date and a link only (``tasks.email_text``); ``body`` is not
    sent, as no notification's body is.
    """
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext(title) % params if params else gettext(title)
    from zaedno.notifications.tasks import office_email

    transaction.on_commit(partial(office_email.enqueue, address, subject[:200], "", path))


def notifications_send_many(notifications: list[Notification]) -> int:
    """Write notifications built by a scan in bulk and e-mail them from the worker after commit
    (the scans' batches: one insert, one task); returns how many were written."""
    Notification.objects.bulk_create(notifications, batch_size=500)
    emailed = [n.pk for n in notifications if n.pk and n.user.email]
    if emailed:
        from zaedno.notifications.tasks import notification_emails

        transaction.on_commit(partial(notification_emails.enqueue, emailed))
    return len(notifications)
