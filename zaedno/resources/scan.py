"""The staleness scan: entries of the resource map not confirmed for a while are flagged to the
organisation that keeps them.

Run with the protocol deadline scan (``zaedno.protocols.tasks.deadline_scan_task``). An entry is
stale when its organisation has not confirmed it for ``ZAEDNO_RESOURCE_STALE_DAYS`` days; the
organisation's practitioners and managers then get one notice per organisation listing how many
entries to check, and each entry is stamped (``stale_notified_at``) so the notice comes once
per staleness period, not at every scan. Confirming or editing the entry clears the stamp.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext

from zaedno.accounts.models import Membership
from zaedno.audit.services import AuditContext, PendingEvent, audit_record_many
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_send_many
from zaedno.resources.models import Service
from zaedno.resources.services import EDITOR_ROLES, stale_before

MSG_STALE_BODY = gettext_noop(
    "Not confirmed for more than %(days)s days: %(names)s. Open each entry and confirm it or correct it, "
    "so other teams do not refer a child to a service that has changed."
)


@dataclass
class StaleScanResult:
    entries: int = 0
    notifications: int = 0

    def __str__(self) -> str:
        return f"resources: {self.entries} stale entries flagged; {self.notifications} notifications"


def _due(now: dt.datetime):
    """Active stale entries not yet flagged in this staleness period."""
    today = timezone.localdate(now)
    again = now - dt.timedelta(days=settings.ZAEDNO_RESOURCE_STALE_DAYS)
    return Service.objects.filter(is_active=True, last_confirmed_on__lt=stale_before(today)).filter(
        Q(stale_notified_at__isnull=True) | Q(stale_notified_at__lt=again)
    )


def stale_scan(now: dt.datetime | None = None, *, batch_size: int = 500) -> StaleScanResult:
    """Flag the stale entries to their organisations; safe to run often and from several workers."""
    now = now or timezone.now()
    result = StaleScanResult()
    while True:
        handled, sent = _batch(now, batch_size)
        result.entries += handled
        result.notifications += sent
        if handled < batch_size:
            break
    return result


@transaction.atomic
def _batch(now: dt.datetime, batch_size: int) -> tuple[int, int]:
    qs = _due(now).order_by("organisation_id", "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    ids = list(qs.values_list("pk", flat=True)[:batch_size])
    if not ids:
        return 0, 0
    # Claim by stamping (only rows still unclaimed), so two scanners never send the same notice.
    claimed = _due(now).filter(pk__in=ids).update(stale_notified_at=now)
    if claimed == 0:
        return 0, 0
    services = list(
        Service.objects.filter(pk__in=ids, stale_notified_at=now)
        .select_related("organisation")
        .order_by("name")
    )
    by_org: dict[int, list[Service]] = defaultdict(list)
    for s in services:
        by_org[s.organisation_id].append(s)
    members: dict[int, list] = defaultdict(list)
    for m in Membership.objects.filter(
        organisation_id__in=by_org, is_active=True, role__in=EDITOR_ROLES, user__is_active=True
    ).select_related("user"):
        members[m.organisation_id].append(m.user)
    notifications = _notifications(by_org, members, now)
    notifications_send_many(notifications)
    audit_record_many(
        ctx=AuditContext.system(),
        events=[
            PendingEvent(
                action="service.stale_flagged",
                object_type="service",
                object_id=str(s.pk),
                details={
                    "last_confirmed_on": s.last_confirmed_on.isoformat(),
                    "organisation": s.organisation_id,
                },
                at=now,
            )  # fmt: skip
            for s in services
        ],
    )
    return len(services), len(notifications)


def _notifications(by_org: dict, members: dict, now: dt.datetime) -> list[Notification]:
    out: list[Notification] = []
    days = settings.ZAEDNO_RESOURCE_STALE_DAYS
    with translation.override(settings.LANGUAGE_CODE):
        for org_id, services in by_org.items():
            organisation = services[0].organisation
            params = {"count": len(services), "organisation": organisation}
            title = (
                ngettext(
                    "Resource map: %(count)s entry of %(organisation)s to re-confirm",
                    "Resource map: %(count)s entries of %(organisation)s to re-confirm",
                    len(services),
                )
                % params
            )
            names = ", ".join(f"„{s.name}“" for s in services[:10]) + (" …" if len(services) > 10 else "")
            body = gettext(MSG_STALE_BODY) % {"days": days, "names": names}
            url = reverse("resources:list") + "?" + urlencode({"mine": "on", "stale": "on"})
            for user in members.get(org_id, []):
                out.append(
                    Notification(
                        user=user,
                        kind="resources.stale",
                        title=title[:200],
                        body=body,
                        url=url,
                        created_at=now,
                    )
                )
    return out
