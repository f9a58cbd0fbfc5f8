"""Background work of notifications, run by the django-tasks worker (``zaedno worker``).

E-mails are the one template of this module: the notification's title (a message filled with a
case or signal number, dates and labels — never a child's name), its date and a link to sign in.
The notification's ``body`` stays in the app: it may quote what a professional typed (a reason,
a message), and e-mails are kept by mail servers and read on shared devices (docs/security.md,
"Request limits, file permissions and what e-mails carry").
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from zaedno.notifications.models import Notification


def email_text(*, at, link: str) -> str:
    """The text of every e-mail: when, and where to read it after signing in."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Notice of %(date)s. Sign in to Zaedno to read it:\n%(link)s") % {
            "date": timezone.localtime(at).strftime("%d.%m.%Y %H:%M"),
            "link": link,
        }


@task()
def notification_email(notification_id: int) -> bool:
    """E-mail a notification; it carries no case content, only a link to sign in and read it."""
    n = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if n is None or not n.user.email:
        return False
    link = f"{settings.ZAEDNO_BASE_URL}{n.url}" if n.url else settings.ZAEDNO_BASE_URL
    send_mail(
        subject=f"[Заедно] {n.title}",
        message=email_text(at=n.created_at, link=link),
        from_email=None,
        recipient_list=[n.user.email],
    )
    return True


@task()
def notification_emails(notification_ids: list[int]) -> int:
    """E-mail a batch of notifications (the deadline scan writes them in bulk); returns how many."""
    return sum(1 for pk in notification_ids if notification_email.call(pk))


@task()
def office_email(address: str, subject: str, message: str = "", path: str = "") -> bool:
    """E-mail an organisation's own address (an office mailbox, e.g. ДАЗД's): the subject and a
    link to sign in. ``message`` is not sent (kept in the signature for tasks already queued)."""
    if not address:
        return False
    link = f"{settings.ZAEDNO_BASE_URL}{path}" if path else settings.ZAEDNO_BASE_URL
    send_mail(
        subject=f"[Заедно] {subject}",
        message=email_text(at=timezone.now(), link=link),
        from_email=None,
        recipient_list=[address],
    )
    return True
