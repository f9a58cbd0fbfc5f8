"""The deadline scan: reminders before a deadline, a notice at it, escalation after it.

The worker runs :func:`deadline_scan` every ``ZAEDNO_SCAN_MINUTES``. Each phase is one indexed
range query over open steps (``status = 'open' AND <phase>_at <= now AND <phase>_sent_at IS
NULL``), processed in batches: the batch is claimed by stamping its ``*_sent_at`` column (rows
another scanner claimed first are skipped), then the notifications, the audit events and the
e-mail task are written in bulk. Phases run from the most advanced down, and a phase also stamps
the earlier ones, so a step found already overdue gets one escalation, not three messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext, PendingEvent, audit_record_many
from zaedno.cases.models import TimelineKind
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_send_many
from zaedno.protocols.engine import step_title
from zaedno.protocols.models import CaseStep, StepStatus

MSG_REMINDER = gettext_noop("Due %(due)s: %(step)s — case %(number)s")
MSG_DUE = gettext_noop("Deadline reached: %(step)s — case %(number)s")
MSG_ESCALATION = gettext_noop("Overdue since %(due)s: %(step)s — case %(number)s (owner: %(owner)s)")
MSG_NO_OWNER = gettext_noop("no one in the team yet")
MSG_TIMELINE_ESCALATED = gettext_noop("Overdue step escalated to the managers: %(step)s")


@dataclass(frozen=True)
class Phase:
    name: str
    at: str  # the step's threshold column
    sent: str  # the column that says it was handled
    earlier: tuple[str, ...]  # sent-columns of the earlier phases, stamped too


PHASES = (
    Phase("escalate", "escalate_at", "escalated_at", ("due_notice_sent_at", "reminder_sent_at")),
    Phase("due", "due_at", "due_notice_sent_at", ("reminder_sent_at",)),
    Phase("remind", "remind_at", "reminder_sent_at", ()),
)


def pending_steps(phase: Phase, now: dt.datetime):
    """The set-based selection of one phase: open steps past the threshold, not yet handled."""
    return CaseStep.objects.filter(
        status=StepStatus.OPEN, **{f"{phase.at}__lte": now, f"{phase.sent}__isnull": True}
    )


@dataclass
class ScanResult:
    reminded: int = 0
    due: int = 0
    escalated: int = 0
    notifications: int = 0
    per_phase_ms: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"{self.reminded} reminded, {self.due} reached their deadline, {self.escalated} escalated; "
            f"{self.notifications} notifications"
        )


def deadline_scan(now: dt.datetime | None = None, *, batch_size: int = 500) -> ScanResult:
    """Send what is due at ``now``; safe to run often and from several workers at once."""
    now = now or timezone.now()
    result = ScanResult()
    for phase in PHASES:
        while True:
            handled, sent = _phase_batch(phase, now, batch_size)
            if phase.name == "escalate":
                result.escalated += handled
            elif phase.name == "due":
                result.due += handled
            else:
                result.reminded += handled
            result.notifications += sent
            if handled < batch_size:
                break
    return result


@transaction.atomic
def _phase_batch(phase: Phase, now: dt.datetime, batch_size: int) -> tuple[int, int]:
    qs = pending_steps(phase, now).order_by(phase.at, "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    ids = list(qs.values_list("pk", flat=True)[:batch_size])
    if not ids:
        return 0, 0
    stamps = {phase.sent: now} | {col: Coalesce(col, now) for col in phase.earlier}
    claimed = CaseStep.objects.filter(pk__in=ids, **{f"{phase.sent}__isnull": True}).update(**stamps)
    if claimed == 0:
        return 0, 0
    steps = list(
        CaseStep.objects.filter(pk__in=ids, **{phase.sent: now})
        .select_related("case", "case__lead", "case_protocol__version", "owner_user", "owner_organisation")
        .order_by("pk")
    )
    notifications = _notifications(phase, steps, now)
    notifications_send_many(notifications)
    if phase.name == "escalate":
        _timeline_escalated(steps, now)
    audit_record_many(
        ctx=AuditContext.system(),
        events=[
            PendingEvent(
                action=f"protocol.step.{phase.name}",
                case_id=s.case_id,
                object_type="case_step",
                object_id=str(s.pk),
                details={"step": s.step_code, "due_at": s.due_at.isoformat() if s.due_at else None},
                at=now,
            )  # fmt: skip
            for s in steps
        ],
    )
    return len(steps), len(notifications)


def _notifications(phase: Phase, steps: list[CaseStep], now: dt.datetime) -> list[Notification]:
    from zaedno.cases.queries import lead_stand_ins

    managers = _managers_by_org(steps) if phase.name == "escalate" else {}
    # While a case lead is away, the case's deputy lead receives the lead's notices too.
    deputies = lead_stand_ins({s.case_id for s in steps}, timezone.localdate(now))
    out: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for step in steps:
            case = step.case
            params = {
                "step": step_title(step, settings.LANGUAGE_CODE),
                "number": case.number,
                "due": timezone.localtime(step.due_at).strftime("%d.%m.%Y %H:%M"),
                "owner": str(step.owner_user) if step.owner_user else gettext(MSG_NO_OWNER),
            }
            url = reverse("protocols:case", args=[case.pk])
            recipients: list = []
            if phase.name == "remind":
                title = MSG_REMINDER
                recipients = [step.owner_user or case.lead]
            elif phase.name == "due":
                title = MSG_DUE
                recipients = [step.owner_user or case.lead, case.lead]
            else:
                title = MSG_ESCALATION
                org_id = step.owner_organisation_id or case.lead_organisation_id
                recipients = [*managers.get(org_id, []), case.lead]
            if case.pk in deputies and any(u is not None and u.pk == case.lead_id for u in recipients):
                recipients.append(deputies[case.pk])
            seen: set[int] = set()
            for user in recipients:
                if user is None or user.pk in seen or not user.is_active:
                    continue
                seen.add(user.pk)
                out.append(
                    Notification(
                        user=user,
                        kind=f"protocol.{phase.name}",
                        title=(gettext(title) % params)[:200],
                        url=url,
                        case_id=case.pk,
                        created_at=now,
                    )  # fmt: skip
                )
    return out


def _managers_by_org(steps: list[CaseStep]) -> dict[int, list]:
    org_ids = {s.owner_organisation_id or s.case.lead_organisation_id for s in steps}
    out: dict[int, list] = {}
    for m in Membership.objects.filter(
        Q(organisation_id__in=org_ids), role=Role.MANAGER, is_active=True, user__is_active=True
    ).select_related("user"):
        out.setdefault(m.organisation_id, []).append(m.user)
    return out


def _timeline_escalated(steps: list[CaseStep], now: dt.datetime) -> None:
    from zaedno.cases.services import timeline_add

    for step in steps:
        timeline_add(
            case=step.case, kind=TimelineKind.PROTOCOL, actor=None, at=now, message=MSG_TIMELINE_ESCALATED,
            params={"step": step_title(step, settings.LANGUAGE_CODE)},
        )  # fmt: skip
