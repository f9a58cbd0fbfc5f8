"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from zaedno.referrals.models import OPEN_STATES, Referral, ReferralStatus
from zaedno.referrals.queries import receiving_organisations


def case_panel(access, now):
    """Open referrals of the case and their states, overdue answers flagged — one query."""
    referrals = list(
        Referral.objects.filter(case=access.case, status__in=OPEN_STATES)
        .select_related("service", "organisation", "professional")
        .order_by("-sent_at", "-id")[:20]
    )
    if not referrals:
        return None
    return {
        "template": "referrals/_case_panel.html",
        "case": access.case,
        "referrals": referrals,
        "overdue": sum(1 for r in referrals if r.is_overdue(now)),
        "now": now,
    }


def work_panel(user, now):
    """Incoming referrals waiting for my organisations' answer, and my sent referrals with an
    overdue answer — two queries, however many. No child is named here (nothing of the case)."""
    waiting = list(
        Referral.objects.filter(organisation_id__in=receiving_organisations(user), status=ReferralStatus.SENT)
        .select_related("service", "sent_by_organisation")
        .order_by("response_due_at", "id")[:50]
    )
    overdue_sent = list(
        Referral.objects.filter(sent_by=user, status=ReferralStatus.SENT, response_due_at__lt=now)
        .select_related("service", "organisation", "case")
        .order_by("response_due_at", "id")[:50]
    )
    if not waiting and not overdue_sent:
        return None
    return {
        "template": "referrals/_work_panel.html",
        "waiting": waiting,
        "overdue_sent": overdue_sent,
        "now": now,
    }
