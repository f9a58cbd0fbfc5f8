"""The decision scan: a reminder the day before a decision is due, an overdue notice the day after.

Run with the protocol deadline scan (``zaedno.protocols.tasks.deadline_scan_task``). As there,
each phase is one indexed range query over open decisions, claimed in batches by stamping
``overdue_sent_at`` / ``reminder_sent_at`` (so two scanners never send the same notice), then
notifications and audit events are written in bulk. The overdue phase runs first and stamps the
reminder too, so a decision found already overdue gets one notice, not two.

Notices carry no decision text (they are e-mailed), only the case number and a link. Who hears:
the responsible professional, or the case lead when the responsible is an
organisation, a parent or someone else; the overdue notice goes to the case lead as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from zaedno.audit.services import AuditContext, PendingEvent, audit_record_many
from zaedno.cases.models import CaseStatus
from zaedno.meetings.models import DECISION_OPEN_STATES, Decision
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_send_many

MSG_REMINDER = gettext_noop("Decision due tomorrow (%(due)s) — case %(number)s")
MSG_OVERDUE = gettext_noop("Decision overdue since %(due)s — case %(number)s (responsible: %(who)s)")


@dataclass
class DecisionScanResult:
    reminded: int = 0
    overdue: int = 0
    notifications: int = 0

    def __str__(self) -> str:
        return (
            f"decisions: {self.reminded} reminded, {self.overdue} overdue; {self.notifications} notifications"
        )


def _pending(phase: str, on: dt.date):
    qs = Decision.objects.filter(status__in=DECISION_OPEN_STATES).exclude(case__status=CaseStatus.CLOSED)
    if phase == "overdue":
        return qs.filter(due_on__lt=on, overdue_sent_at__isnull=True)
    return qs.filter(due_on__lte=on + dt.timedelta(days=1), reminder_sent_at__isnull=True)


def decision_scan(now: dt.datetime | None = None, *, batch_size: int = 500) -> DecisionScanResult:
    """Send the decision notices due at ``now``; safe to run often and from several workers."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    result = DecisionScanResult()
    for phase in ("overdue", "remind"):
        while True:
            handled, sent = _batch(phase, on, now, batch_size)
            if phase == "overdue":
                result.overdue += handled
            else:
                result.reminded += handled
            result.notifications += sent
            if handled < batch_size:
                break
    return result


@transaction.atomic
def _batch(phase: str, on: dt.date, now: dt.datetime, batch_size: int) -> tuple[int, int]:
    qs = _pending(phase, on).order_by("due_on", "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    ids = list(qs.values_list("pk", flat=True)[:batch_size])
    if not ids:
        return 0, 0
    if phase == "overdue":
        stamps = {"overdue_sent_at": now, "reminder_sent_at": Coalesce("reminder_sent_at", now)}
        sent_col = "overdue_sent_at"
    else:
        stamps = {"reminder_sent_at": now}
        sent_col = "reminder_sent_at"
    claimed = Decision.objects.filter(pk__in=ids, **{f"{sent_col}__isnull": True}).update(**stamps)
    if claimed == 0:
        return 0, 0
    decisions = list(
        Decision.objects.filter(pk__in=ids, **{sent_col: now})
        .select_related("case", "case__lead", "responsible_user", "responsible_organisation")
        .order_by("pk")
    )
    notifications = _notifications(phase, decisions, now)
    notifications_send_many(notifications)
    audit_record_many(
        ctx=AuditContext.system(),
        events=[
            PendingEvent(
                action=f"decision.{phase}",
                case_id=d.case_id,
                object_type="decision",
                object_id=str(d.pk),
                details={"due_on": d.due_on.isoformat()},
                at=now,
            )  # fmt: skip
            for d in decisions
        ],
    )
    return len(decisions), len(notifications)


def _who(decision: Decision) -> str:
    if decision.responsible_user_id:
        return decision.responsible_user.get_full_name() or decision.responsible_user.username
    if decision.responsible_organisation_id:
        return str(decision.responsible_organisation)
    return decision.responsible_name or str(decision.get_responsible_kind_display())


def _notifications(phase: str, decisions: list[Decision], now: dt.datetime) -> list[Notification]:
    from zaedno.cases.queries import lead_stand_ins

    # While a case lead is away, the case's deputy lead receives the lead's notices too.
    deputies = lead_stand_ins({d.case_id for d in decisions}, timezone.localdate(now))
    out: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for d in decisions:
            case = d.case
            owner = d.responsible_user or case.lead
            recipients = [owner] if phase == "remind" else [owner, case.lead]
            if case.pk in deputies and any(u is not None and u.pk == case.lead_id for u in recipients):
                recipients.append(deputies[case.pk])
            params = {
                "due": d.due_on.strftime("%d.%m.%Y"),
                "number": case.number,
                "who": _who(d),
            }
            message = MSG_REMINDER if phase == "remind" else MSG_OVERDUE
            title = gettext(message) % params
            url = reverse("meetings:decision", args=[case.pk, d.pk])
            seen: set[int] = set()
            for user in recipients:
                if user is None or user.pk in seen or not user.is_active:
                    continue
                seen.add(user.pk)
                out.append(
                    Notification(
                        user=user,
                        kind=f"decision.{phase}",
                        title=title[:200],
                        url=url,
                        case_id=case.pk,
                        created_at=now,
                    )  # fmt: skip
                )
    return out
