"""Background work of notifications, run by the django-tasks worker (``zaedno worker``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from zaedno.notifications.models import Notification


@task()
def notification_email(notification_id: int) -> bool:
    """E-mail a notification; it carries no case content, only a link to sign in and read it."""
    n = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if n is None or not n.user.email:
        return False
    link = f"{settings.ZAEDNO_BASE_URL}{n.url}" if n.url else settings.ZAEDNO_BASE_URL
    send_mail(
        subject=f"[Заедно] {n.title}",
        message=f"{n.body}\n\n{link}",
        from_email=None,
        recipient_list=[n.user.email],
    )
    return True


@task()
def notification_emails(notification_ids: list[int]) -> int:
    """E-mail a batch of notifications (the deadline scan writes them in bulk); returns how many."""
    return sum(1 for pk in notification_ids if notification_email.call(pk))


@task()
def office_email(address: str, subject: str, message: str, path: str = "") -> bool:
    """E-mail an organisation's own address (an office mailbox, e.g. ДАЗД's): no case content,
    only what the message says and a link to sign in."""
    if not address:
        return False
    link = f"{settings.ZAEDNO_BASE_URL}{path}" if path else settings.ZAEDNO_BASE_URL
    send_mail(
        subject=f"[Заедно] {subject}",
        message=f"{message}\n\n{link}",
        from_email=None,
        recipient_list=[address],
    )
    return True
