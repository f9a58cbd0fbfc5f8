"""Panels this app shows on shared pages (see zaedno/core/panels.py): the intake clocks in "my
work" and the intake counts on the compliance page. No child is named in either: a signal is
shown by its number, category and clock; the name is on the signal's own (audited) page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q

from zaedno.signals.access import assigners, department_ids, department_members
from zaedno.signals.choices import Decision, SignalStatus
from zaedno.signals.models import Signal
from zaedno.signals.queries import OPEN_STATES, signal_clocks, urgency_rank

WORK_LIMIT = 50
REPORTED_DAYS = 14


def work_panel(user, now):
    """Signals I must check and decide; unassigned signals of the departments where I assign;
    what became of the signals I reported lately — three queries, however many."""
    ids = department_ids(user)
    mine: list[Signal] = []
    unassigned: list[Signal] = []
    if ids:
        rows = list(
            Signal.objects.filter(recipient_id__in=ids, status__in=OPEN_STATES)
            .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
            .annotate(rank=urgency_rank())
            .select_related("recipient")
            .order_by("-rank", "check_due_at", "id")[: WORK_LIMIT * 2]
        )
        can_assign = {
            org_id for org_id in {s.recipient_id for s in rows if s.assigned_to_id is None}
            if any(m.user_id == user.pk for m in assigners(department_members(org_id)))
        }  # fmt: skip
        mine = [s for s in rows if s.assigned_to_id == user.pk][:WORK_LIMIT]
        unassigned = [s for s in rows if s.assigned_to_id is None and s.recipient_id in can_assign][
            :WORK_LIMIT
        ]
    reported = list(
        Signal.objects.filter(recorded_by=user, received_at__gte=now - dt.timedelta(days=REPORTED_DAYS))
        .exclude(recipient_id__in=ids)
        .select_related("recipient")
        .order_by("-received_at")[:20]
    )
    if not (mine or unassigned or reported):
        return None
    for s in mine + unassigned:
        s.clocks = signal_clocks(s, now)
    return {
        "template": "signals/_work_panel.html",
        "mine": mine,
        "unassigned": unassigned,
        "reported": reported,
        "now": now,
    }


def compliance_panel(user, organisations, municipalities, now):
    """For each department among ``organisations``: signals of the last 12 months, how many were
    assigned and decided within their terms, others informed within the hour, what waits now
    (one grouped query; no child's data)."""
    ids = [pk for pk, o in organisations.items() if o.kind == "ozd"]
    if not ids:
        return None
    since = now - dt.timedelta(days=365)
    on_time = Q(decided_at__lte=F("check_due_at"))
    rows = (
        Signal.objects.filter(recipient_id__in=ids, received_at__gte=since, legacy_id__isnull=True)
        .values("recipient_id")
        .annotate(
            received=Count("id"),
            assigned_on_time=Count("id", filter=Q(assigned_at__lte=F("assign_due_at"))),
            with_assign_term=Count("id", filter=Q(assign_due_at__isnull=False, assigned_at__isnull=False)),
            decided=Count("id", filter=Q(status=SignalStatus.DECIDED)),
            decided_on_time=Count("id", filter=Q(status=SignalStatus.DECIDED) & on_time),
            opened=Count("id", filter=Q(decision=Decision.OPEN_CASE)),
            attached=Count("id", filter=Q(decision=Decision.ATTACH)),
            no_case=Count("id", filter=Q(decision=Decision.NO_CASE)),
            with_informed_term=Count("id", filter=Q(informed_due_at__isnull=False)),
            informed_on_time=Count("id", filter=Q(informed_at__lte=F("informed_due_at"))),
            waiting=Count("id", filter=Q(status__in=OPEN_STATES)),
            overdue=Count(
                "id",
                filter=Q(status__in=OPEN_STATES)
                & (Q(check_due_at__lt=now) | Q(assigned_to__isnull=True, assign_due_at__lt=now)),
            ),
        )
        .order_by()
    )

    def pct(part, whole):
        return round(100 * part / whole) if whole else None

    out = []
    for r in rows:
        out.append(
            {
                "name": str(organisations[r["recipient_id"]]),
                **r,
                "assigned_pct": pct(r["assigned_on_time"], r["with_assign_term"]),
                "decided_pct": pct(r["decided_on_time"], r["decided"]),
                "informed_pct": pct(r["informed_on_time"], r["with_informed_term"]),
            }
        )
    if not out:
        return None
    out.sort(key=lambda r: r["name"])
    return {"template": "signals/_compliance_panel.html", "rows": out, "since": since}
