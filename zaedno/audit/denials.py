"""Refused access on record: every denial is an audit event, and a probe alerts the managers.

A denial is written through :func:`zaedno.audit.services.audit_record` like every event, in the
caller's transaction when there is one (views run outside one: ``ATOMIC_REQUESTS`` is off, and a
refused lookup happens before any service opens its own). A run of refused case ids by one user
(``ZAEDNO_PROBE_DENIALS`` distinct ids within ``ZAEDNO_PROBE_MINUTES``) is a probe: the managers of
the user's organisations are told once per window, and the alert is itself audited.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.audit.pii import egns_in
from zaedno.audit.services import AuditContext, audit_record

PROBE_ACTION = "access.probe"
IDENTIFIER_MARK = "[ЕГН/ЛНЧ]"
# What counts towards a probe: case ids refused, and case numbers typed for emergency access.
PROBED_TYPES = ("case", "case_number")


def denial_record(
    *, ctx: AuditContext, action: str, object_type: str, object_id: str | int = "", case_id: int | None = None,
    reason: str, details: dict | None = None,
) -> None:  # fmt: skip
    """Audit one refused access (``reason`` is a stable code: ``not_found``, ``no_access``, …).

    The id is as requested; one that is a valid ЕГН (typed where an id or number belongs) is
    kept as a mark only, never in clear.
    """
    object_id = str(object_id)[:64]
    if egns_in(object_id):
        object_id = IDENTIFIER_MARK
    audit_record(
        ctx=ctx, action=action, kind=AuditKind.DENIED, case_id=case_id, object_type=object_type,
        object_id=object_id, reason=reason, details=details,
    )  # fmt: skip
    if object_type in PROBED_TYPES:
        _probe_check(ctx)


def _probe_check(ctx: AuditContext) -> None:
    actor = ctx.actor
    if actor is None or getattr(actor, "pk", None) is None:
        return
    now = timezone.now()
    since = now - dt.timedelta(minutes=settings.ZAEDNO_PROBE_MINUTES)
    if AuditEvent.objects.filter(actor_id=actor.pk, action=PROBE_ACTION, at__gt=since).exists():
        return  # already alerted in this window
    refused = (
        AuditEvent.objects.filter(
            actor_id=actor.pk, kind=AuditKind.DENIED, object_type__in=PROBED_TYPES, at__gt=since
        )
        .values("object_id")
        .distinct()
        .count()
    )
    if refused < settings.ZAEDNO_PROBE_DENIALS:
        return
    from zaedno.accounts.models import Membership, Role
    from zaedno.notifications.services import notification_send

    org_ids = Membership.objects.filter(user=actor, is_active=True).values("organisation_id")
    managers = (
        Membership.objects.filter(organisation_id__in=org_ids, role=Role.MANAGER, is_active=True)
        .exclude(user=actor)
        .select_related("user")
    )
    notified = sorted({m.user_id for m in managers})
    audit_record(
        ctx=ctx, action=PROBE_ACTION, kind=AuditKind.DENIED, object_type="user", object_id=actor.pk,
        reason="probe",
        details={"refused_cases": refused, "minutes": settings.ZAEDNO_PROBE_MINUTES, "notified": notified},
    )  # fmt: skip
    seen: set[int] = set()
    for m in managers:
        if m.user_id in seen:
            continue
        seen.add(m.user_id)
        # A name of a colleague and a count: no case number, no child (the e-mail carries it too).
        notification_send(
            user=m.user, kind=PROBE_ACTION,
            title=gettext_noop("Many refused attempts to open cases by %(name)s"),
            body=gettext_noop(
                "%(name)s was refused access to %(count)s cases within %(minutes)s minutes. Check with "
                "them whether this was a mistake; the attempts are in the audit."
            ),
            params={"name": str(actor), "count": refused, "minutes": settings.ZAEDNO_PROBE_MINUTES},
        )  # fmt: skip
