"""The referral scan: an unanswered referral past its response deadline is escalated, once.

Run with the protocol deadline scan (``zaedno.protocols.tasks.deadline_scan_task``). Referrals are
claimed by stamping ``escalated_at`` with a guarded update (two workers never escalate the same
one twice); the managers of the receiving organisation and the sender are notified, and the
escalation goes on the case timeline and in the audit. Notices name no child (they are e-mailed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, PendingEvent, audit_record_many
from zaedno.cases.models import TimelineKind
from zaedno.cases.services import timeline_add
from zaedno.referrals.models import Referral, ReferralStatus
from zaedno.referrals.services import MSG_ESCALATED, _case_url, _incoming_url, _notify, receiving_member_ids

MSG_TO_MANAGERS = gettext_noop(
    "Overdue: a referral to %(service)s from %(org)s has had no answer since %(due)s"
)
MSG_TO_SENDER = gettext_noop("No answer from %(service)s to your referral (case %(number)s) since %(due)s")


@dataclass
class ReferralScanResult:
    escalated: int = 0

    def __str__(self) -> str:
        return f"referrals: {self.escalated} escalated"


def referral_scan(now: dt.datetime | None = None) -> ReferralScanResult:
    """Escalate every referral still unanswered at ``now`` past its deadline; safe to run often."""
    now = now or timezone.now()
    result = ReferralScanResult()
    ids = list(
        Referral.objects.filter(
            status=ReferralStatus.SENT, response_due_at__lt=now, escalated_at__isnull=True
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        if _escalate(pk, now):
            result.escalated += 1
    return result


@transaction.atomic
def _escalate(pk: int, now: dt.datetime) -> bool:
    claimed = Referral.objects.filter(pk=pk, status=ReferralStatus.SENT, escalated_at__isnull=True).update(
        escalated_at=now
    )
    if not claimed:
        return False
    r = Referral.objects.select_related("case", "service", "sent_by_organisation").get(pk=pk)
    due = timezone.localtime(r.response_due_at).strftime("%d.%m.%Y %H:%M")
    timeline_add(
        case=r.case, kind=TimelineKind.UPDATED, actor=None, at=now, message=MSG_ESCALATED,
        params={"service": r.service.name, "due": due},
    )  # fmt: skip
    _notify(
        receiving_member_ids(r.organisation_id, managers_only=True), referral=r, kind="referral.overdue",
        title=MSG_TO_MANAGERS, params={"service": r.service.name, "org": str(r.sent_by_organisation), "due": due},
        url=_incoming_url(r),
    )  # fmt: skip
    _notify(
        [r.sent_by_id], referral=r, kind="referral.overdue", title=MSG_TO_SENDER, case_id=r.case_id,
        params={"service": r.service.name, "number": r.case.number, "due": due},
        url=_case_url(r),
    )  # fmt: skip
    audit_record_many(
        ctx=AuditContext.system(),
        events=[
            PendingEvent(
                action="referral.escalate",
                case_id=r.case_id,
                object_type="referral",
                object_id=str(r.pk),
                details={"response_due_at": r.response_due_at.isoformat()},
                at=now,
            )  # fmt: skip
        ],
    )
    return True
