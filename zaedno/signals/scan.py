"""The intake scan: a signal nobody took within its term goes to the head of the department.

Run with the protocol deadline scan (``zaedno.protocols.tasks.deadline_scan_task``). Two phases,
each one indexed range query over pending signals, claimed by stamping ``*_escalated_at`` with a
guarded update (two workers never send the same notice twice):

* **not assigned** by ``assign_due_at`` → the department's managers (its head);
* **not checked and decided** by ``check_due_at`` → the assigned worker and the managers.

Notices name no child and no reporter (they are e-mailed); each is in the audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext, PendingEvent, audit_record_many
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_send_many
from zaedno.signals.choices import SignalCategory, SignalStatus
from zaedno.signals.models import Signal

MSG_NOT_ASSIGNED = gettext_noop(
    "Nobody has taken signal %(number)s (%(category)s) since %(due)s: assign it to a worker now"
)
MSG_NOT_DECIDED = gettext_noop("Signal %(number)s (%(category)s) was to be checked and decided by %(due)s")
BATCH = 500


@dataclass
class SignalScanResult:
    not_assigned: int = 0
    not_decided: int = 0
    notifications: int = 0

    def __str__(self) -> str:
        return (
            f"signals: {self.not_assigned} not assigned in time, {self.not_decided} not decided in time; "
            f"{self.notifications} notifications"
        )


def pending_unassigned(now: dt.datetime):
    return Signal.objects.filter(
        status=SignalStatus.RECEIVED, assign_due_at__lte=now, assign_escalated_at__isnull=True
    )


def pending_undecided(now: dt.datetime):
    return Signal.objects.filter(
        status__in=[SignalStatus.RECEIVED, SignalStatus.CHECKING],
        check_due_at__lte=now,
        check_escalated_at__isnull=True,
    )


def signal_scan(now: dt.datetime | None = None) -> SignalScanResult:
    """Escalate what is late at ``now``; safe to run often and from several workers at once."""
    now = now or timezone.now()
    result = SignalScanResult()
    for phase in ("assign", "check"):
        while True:
            handled, sent = _batch(phase, now)
            if phase == "assign":
                result.not_assigned += handled
            else:
                result.not_decided += handled
            result.notifications += sent
            if handled < BATCH:
                break
    return result


@transaction.atomic
def _batch(phase: str, now: dt.datetime) -> tuple[int, int]:
    column = "assign_escalated_at" if phase == "assign" else "check_escalated_at"
    qs = (pending_unassigned(now) if phase == "assign" else pending_undecided(now)).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    ids = list(qs.values_list("pk", flat=True)[:BATCH])
    if not ids:
        return 0, 0
    updates = {column: now}
    if phase == "check":
        updates["assign_escalated_at"] = now  # one notice for a signal found late on both terms
    claimed = Signal.objects.filter(pk__in=ids, **{f"{column}__isnull": True}).update(**updates)
    if not claimed:
        return 0, 0
    signals = list(
        Signal.objects.filter(pk__in=ids, **{column: now}).select_related("assigned_to").order_by("pk")
    )
    managers: dict[int, list] = {}
    for m in Membership.objects.filter(
        organisation_id__in={s.recipient_id for s in signals},
        role=Role.MANAGER,
        is_active=True,
        user__is_active=True,
    ).select_related("user"):
        managers.setdefault(m.organisation_id, []).append(m.user)
    notifications: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for s in signals:
            params = {
                "number": s.number,
                "category": str(SignalCategory(s.category).label),
                "due": timezone.localtime(s.assign_due_at if phase == "assign" else s.check_due_at).strftime(
                    "%d.%m.%Y %H:%M"
                ),
            }
            recipients = list(managers.get(s.recipient_id, []))
            if phase == "check" and s.assigned_to is not None:
                recipients.insert(0, s.assigned_to)
            seen: set[int] = set()
            title = gettext(MSG_NOT_ASSIGNED if phase == "assign" else MSG_NOT_DECIDED) % params
            for user in recipients:
                if user.pk in seen or not user.is_active:
                    continue
                seen.add(user.pk)
                notifications.append(
                    Notification(
                        user=user, kind=f"signal.{phase}_overdue", title=title[:200],
                        url=reverse("signals:detail", args=[s.pk]), created_at=now,
                    )
                )  # fmt: skip
    notifications_send_many(notifications)
    audit_record_many(
        ctx=AuditContext.system(),
        events=[
            PendingEvent(
                action=f"signal.escalate.{phase}",
                case_id=s.case_id,
                object_type="signal",
                object_id=str(s.pk),
                details={"due": (s.assign_due_at if phase == "assign" else s.check_due_at).isoformat()},
                at=now,
            )  # fmt: skip
            for s in signals
        ],
    )
    return len(signals), len(notifications)
