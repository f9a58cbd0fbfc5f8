"""Reads of signals. Every function starts from ``signals.access``; reads of a signal's content
are audited by the caller with what was shown (as for cases)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from zaedno.audit.denials import denial_record
from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.organisations.models import Organisation
from zaedno.signals.access import SignalAccess, access_for_signal, intake_department_ids, recorded_by
from zaedno.signals.choices import SignalStatus, Urgency
from zaedno.signals.models import (
    CHECK_SENSITIVITY,
    DESCRIPTION_SENSITIVITY,
    REPORTER_SENSITIVITY,
    Signal,
    SignalRoute,
)

LIST_SELECT = (
    "recipient", "assigned_to", "child", "child__settlement", "child_settlement", "reporter_organisation", "case",
)  # fmt: skip
OPEN_STATES = (SignalStatus.RECEIVED, SignalStatus.CHECKING, SignalStatus.UNROUTED)


def urgency_rank():
    """Immediate danger first, then crisis, urgent, routine: the queue's order of importance."""
    return When_(
        When(immediate_danger=True, then=Value(3)),
        When(urgency=Urgency.CRISIS, then=Value(2)),
        When(urgency=Urgency.URGENT, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _with_routes(qs: QuerySet[Signal]) -> QuerySet[Signal]:
    return qs.prefetch_related(
        Prefetch("routes", queryset=SignalRoute.objects.select_related("organisation").order_by("at", "id"))
    )


def queue(
    user, *, decided: bool = False, organisation_id: int | None = None, limit: int = 500, departments=None
) -> list[Signal]:
    """The department's signals: waiting (newest urgent first) or decided (newest first).

    ``departments`` is the user's departments, as ids or as ``{id: Organisation}`` (then their
    names come without a query). At most four queries whatever the size of the queue: the
    departments (unless given), the signals, their routes, the departments' names (unless given).
    """
    if departments is None:
        departments = intake_department_ids(user)
    ids = list(departments)
    qs = Signal.objects.filter(recipient_id__in=ids)
    if organisation_id is not None:
        qs = qs.filter(recipient_id=organisation_id)
    if decided:
        qs = qs.filter(status=SignalStatus.DECIDED).order_by("-received_at", "-id")
    else:
        qs = (
            qs.filter(status__in=OPEN_STATES)
            .annotate(rank=urgency_rank())
            .order_by("-rank", "-received_at", "-id")
        )
    # The queue shows the number, the child as told, who checks it and the clocks: no more joins.
    # The department comes in its own small query: joined, it leads SQLite's planner to walk every
    # signal the department ever had (the recipient's plain index) instead of the open ones only
    # (``signal_queue``): 44 ms instead of 3 ms for a department with 75,000 signals.
    routes = Prefetch("routes", queryset=SignalRoute.objects.order_by("at", "id"))
    rows = list(
        qs.select_related("assigned_to", "child", "child_settlement").prefetch_related(routes)[:limit]
    )
    named = departments if isinstance(departments, dict) else Organisation.objects.in_bulk(ids)
    for s in rows:
        s.recipient = named[s.recipient_id]
    return rows


def my_signals(user, *, limit: int = 200) -> list[Signal]:
    """The signals the user recorded, newest first, with their state."""
    qs = recorded_by(user).select_related("recipient", "case").order_by("-received_at", "-id")
    return list(_with_routes(qs)[:limit])


def signal_for_user(
    user, signal_id, *, ctx: AuditContext, action: str = "signal.view", audit: bool = True
) -> SignalAccess:
    """Fetch a signal and the user's access in one step, and audit the read; 404 alike for a
    signal that does not exist and one the user may not see."""
    try:
        signal = _with_routes(
            Signal.objects.select_related(*LIST_SELECT, "recorded_by", "redirected_to")
        ).get(pk=int(signal_id))
    except (Signal.DoesNotExist, ValueError, TypeError):
        denial_record(ctx=ctx, action=action, object_type="signal", object_id=signal_id, reason="not_found")
        raise Http404 from None
    access = access_for_signal(user, signal)
    if access is None:
        denial_record(
            ctx=ctx, action=action, object_type="signal", object_id=signal.pk, case_id=signal.case_id,
            reason="no_access",
        )  # fmt: skip
        raise Http404
    if audit:
        audit_record(
            ctx=ctx, action=action, kind=AuditKind.READ, case_id=signal.case_id, object_type="signal",
            object_id=signal.pk, details={"via": access.via, "level": int(access.level)},
        )  # fmt: skip
    return access


def audit_signal_list(ctx: AuditContext, signals, *, action: str) -> None:
    """One read event naming the signals a list showed (the intake queue, my signals)."""
    rows = list(signals)[:200]
    if not rows:
        return
    audit_record(
        ctx=ctx, action=action, kind=AuditKind.READ, object_type="signal",
        details={"signal_ids": [s.pk for s in rows], "case_ids": sorted({s.case_id for s in rows if s.case_id})},
    )  # fmt: skip


@dataclass
class CaseSignal:
    """A signal as one reader of its case may see it."""

    signal: Signal
    sees_content: bool
    sees_reporter: bool
    sees_check: bool


def case_signals(access: CaseAccess) -> list[CaseSignal]:
    """The case's signals, oldest first; what happened and the check at the sensitive level, the
    reporter's identity at the sensitive level — never below it."""
    level = int(access.level)
    rows = (
        Signal.objects.filter(case=access.case)
        .select_related("recipient", "reporter_organisation", "checked_by")
        .order_by("received_at", "id")
    )
    return [
        CaseSignal(
            signal=s,
            sees_content=level >= DESCRIPTION_SENSITIVITY,
            sees_reporter=level >= REPORTER_SENSITIVITY,
            sees_check=level >= CHECK_SENSITIVITY,
        )
        for s in rows
    ]


@dataclass(frozen=True)
class Clock:
    """A term against now: how long is left, or how late it is."""

    due: dt.datetime | None
    state: str  # "none", "on_track", "due_soon", "overdue", "done_on_time", "done_late"
    minutes: int  # left (positive) or late (negative) at ``now``; or late by when done

    @property
    def overdue(self) -> bool:
        return self.state in ("overdue", "done_late")

    @property
    def text(self) -> str:
        """In words, in the reader's language: "on time", "late by 2 h", "22 min left"."""
        from django.utils.translation import gettext as _

        from zaedno.signals.templatetags.signals_ui import duration

        if self.state == "none":
            return ""
        if self.state == "done_on_time":
            return _("on time")
        if self.state == "done_late":
            return _("late by %(late)s") % {"late": duration(-self.minutes)}
        if self.state == "overdue":
            return _("overdue by %(late)s") % {"late": duration(-self.minutes)}
        return _("%(left)s left") % {"left": duration(self.minutes)}


def clock(due: dt.datetime | None, now: dt.datetime, *, done_at: dt.datetime | None = None) -> Clock:
    """The state of one term of a signal: done on time or late, or still running."""
    if due is None:
        return Clock(None, "none", 0)
    if done_at is not None:
        late = int((done_at - due).total_seconds() // 60)
        return Clock(due, "done_late" if late > 0 else "done_on_time", -late)
    left = int((due - now).total_seconds() // 60)
    if left < 0:
        return Clock(due, "overdue", left)
    return Clock(due, "due_soon" if left <= 120 else "on_track", left)


def signal_clocks(signal: Signal, now: dt.datetime) -> dict[str, Clock]:
    """The intake clocks: assign, check and decide, others informed."""
    return {
        "assign": clock(signal.assign_due_at, now, done_at=signal.assigned_at),
        "check": clock(signal.check_due_at, now, done_at=signal.decided_at),
        "informed": clock(signal.informed_due_at, now, done_at=signal.informed_at),
    }
