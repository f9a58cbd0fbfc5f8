"""Panels this app shows on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

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
    rows = list(
        Referral.objects.filter(
            Q(organisation_id__in=receiving_organisations(user)) | Q(sent_by=user, response_due_at__lt=now),
            status=ReferralStatus.SENT,
        )
        .annotate(
            incoming=Exists(receiving_organisations(user).filter(organisation_id=OuterRef("organisation_id")))
        )
        .select_related("service", "organisation", "sent_by_organisation", "case")
        .order_by("response_due_at", "id")[:100]
    )
    waiting = [r for r in rows if r.incoming]
    overdue_sent = [r for r in rows if r.sent_by_id == user.pk and r.response_due_at < now]
    if not waiting and not overdue_sent:
        return None
    return {
        "template": "referrals/_work_panel.html",
        "waiting": waiting,
        "overdue_sent": overdue_sent,
        "now": now,
    }
