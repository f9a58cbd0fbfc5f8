"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext
from zaedno.cases.queries import audit_case_list
from zaedno.plans import queries
from zaedno.plans.models import ACTION_OPEN_STATES, CheckInStatus, FollowUpCheckIn, Plan, PlanStatus


def case_panel(access, now):
    """The plan on the case page: its status and confirmations, next review, overdue actions.

    Two queries: the plan versions with their overdue actions counted, and the next check-in.
    """
    if not queries.can_read(access):
        return None
    today = timezone.localdate(now)
    overdue = Count("actions", filter=Q(actions__status__in=ACTION_OPEN_STATES, actions__due_on__lt=today))
    plans = list(
        Plan.objects.filter(case=access.case).annotate(overdue_actions=overdue).order_by("kind", "-number")
    )
    plan = queries.current_of(plans)
    next_checkin = (
        FollowUpCheckIn.objects.filter(case=access.case, status=CheckInStatus.SCHEDULED)
        .order_by("due_on")
        .first()
    )
    return {
        "template": "plans/_case_panel.html",
        "case": access.case,
        "plan": plan,
        "draft": next(
            (p for p in plans if p.status == PlanStatus.DRAFT and plan and p.kind == plan.kind), None
        ),
        "overdue_actions": plan.overdue_actions
        if plan is not None and plan.status == PlanStatus.AGREED
        else 0,
        "next_checkin": next_checkin,
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
