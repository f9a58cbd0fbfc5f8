"""Reads of referrals, from two sides.

* The case team reads a case's referrals through the access layer (``case_for_user``), the
  shared sections up to the reader's sharing level.
* A receiving organisation's professionals read their incoming referrals through
  :func:`incoming_for`: only the referral and its snapshot, never the case. A referral that is not
  for one of the reader's organisations answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from zaedno.accounts.models import Membership
from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.referrals.models import Referral, ReferralStatus
from zaedno.referrals.services import RECEIVING_ROLES
from zaedno.resources.models import Service

LIST_SELECT = ("service", "organisation", "sent_by", "sent_by_organisation", "professional")


def receiving_organisations(user) -> QuerySet:
    """Ids of the organisations whose incoming referrals the user sees (as a subquery)."""
    return Membership.objects.filter(
        user=user, is_active=True, role__in=RECEIVING_ROLES, organisation__is_active=True
    ).values("organisation_id")


def receives_referrals(user) -> bool:
    """Whether the user works in an organisation with services on the map (the "incoming" link)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Service.objects.filter(organisation_id__in=receiving_organisations(user)).exists()


def case_referrals(access: CaseAccess) -> list[Referral]:
    return list(
        Referral.objects.filter(case=access.case).select_related(*LIST_SELECT).order_by("-sent_at", "-id")
    )


def referral_for(access: CaseAccess, referral_id) -> Referral:
    """A referral of the case, or 404."""
    try:
        return Referral.objects.select_related(*LIST_SELECT, "service__settlement").get(
            pk=int(referral_id), case=access.case
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def incoming(user, *, answered: bool | None = None) -> QuerySet[Referral]:
    """Referrals to the user's organisations: waiting (``answered=False``), answered, or all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Referral.objects.none()
    qs = Referral.objects.filter(organisation_id__in=receiving_organisations(user))
    if answered is False:
        qs = qs.filter(status=ReferralStatus.SENT).order_by("response_due_at", "id")
    elif answered is True:
        qs = qs.exclude(status=ReferralStatus.SENT).order_by("-sent_at", "-id")
    else:
        qs = qs.order_by("-sent_at", "-id")
    return qs.select_related(*LIST_SELECT)


def incoming_for(user, referral_id) -> Referral:
    """One incoming referral of the user's organisations, or 404 (the same for missing and not allowed)."""
    try:
        return incoming(user).select_related("service__settlement", "case").get(pk=int(referral_id))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def audit_incoming_read(
    ctx: AuditContext, referral: Referral, *, action: str = "referral.incoming.view"
) -> None:
    """Reading the shared sections is a read of the case's data: it shows in "who looked at it"."""
    audit_record(
        ctx=ctx, action=action, kind=AuditKind.READ, case_id=referral.case_id, object_type="referral",
        object_id=referral.pk, details={"sections": list(referral.sections)},
    )  # fmt: skip


def audit_incoming_list(ctx: AuditContext, referrals, *, action: str = "referral.incoming.list") -> None:
    """One read event naming the referrals (and their cases) a list of incoming referrals showed."""
    rows = list(referrals)[:200]
    if not rows:
        return
    audit_record(
        ctx=ctx, action=action, kind=AuditKind.READ, object_type="referral",
        details={"referral_ids": [r.pk for r in rows], "case_ids": sorted({r.case_id for r in rows})},
    )  # fmt: skip


def child_name(referral: Referral) -> str:
    """The child's name as shared in the snapshot, or "" when identity was not shared."""
    for section in referral.snapshot or []:
        if section.get("section") == "identity":
            for item in section.get("items", []):
                return item.get("text", "")
    return ""
