"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext
from zaedno.cases.queries import audit_case_list
from zaedno.plans import queries
from zaedno.plans.models import ACTION_OPEN_STATES, Action, PlanStatus


def case_panel(access, now):
    """The plan on the case page: its status and confirmations, next review, overdue actions."""
    if not queries.can_read(access):
        return None
    plans = queries.case_plans(access)
    plan = queries.current_of(plans)
    followups = [c for c in queries.case_followups(access) if c.status == "scheduled"]
    if plan is None and not followups:
        return {"template": "plans/_case_panel.html", "plan": None, "case": access.case}
    today = timezone.localdate(now)
    overdue = 0
    if plan is not None and plan.status == PlanStatus.AGREED:
        overdue = Action.objects.filter(plan=plan, status__in=ACTION_OPEN_STATES, due_on__lt=today).count()
    return {
        "template": "plans/_case_panel.html",
        "case": access.case,
        "plan": plan,
        "draft": next(
            (p for p in plans if p.status == PlanStatus.DRAFT and plan and p.kind == plan.kind), None
        ),
        "overdue_actions": overdue,
        "next_checkin": followups[0] if followups else None,
        "today": today,
    }


def work_panel(user, now):
    """My plan actions due or overdue and my follow-up check-ins due — two queries, however many."""
    today = timezone.localdate(now)
    actions = queries.my_plan_actions(user, today)
    checkins = queries.my_checkins(user, today)
    if not actions and not checkins:
        return None
    cases = {a.plan.case_id: a.plan.case for a in actions} | {c.case_id: c.case for c in checkins}
    audit_case_list(AuditContext(actor=user, channel=Channel.WEB), list(cases.values()), action="work.plans")
    return {"template": "plans/_work_panel.html", "actions": actions, "checkins": checkins, "today": today}


def documents(access) -> list[dict]:
    """Printable documents of the case: {"title", "date", "url", "pdf_url"}, one per plan version."""
    out = []
    for plan in queries.case_plans(access):
        out.append(
            {
                "title": f"{plan.get_kind_display()} {plan.label} ({plan.get_status_display()})",
                "date": plan.agreed_at or plan.created_at,
                "url": reverse("plans:print", args=[access.case.pk, plan.pk]),
                "pdf_url": reverse("plans:pdf", args=[access.case.pk, plan.pk]),
            }
        )
    return out
