"""The access layer: every read of case data starts here (need-to-know, principle 4).

A professional sees a case only as

* its case lead (водещ на случая),
* an active member of its team, at the member's sharing level,
* a manager of the lead's organisation (supervision), at the standard level, or
* through a logged, time-limited emergency access (break-the-glass) with a written reason.

Nobody else — system administrators included — sees the case: detail pages answer 404 exactly
as for a case that does not exist, and lists, searches, counts and exports never include it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zaedno.accounts.models import Membership, Role
from zaedno.audit.denials import denial_record
from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.models import BreakGlassAccess, Case, Sensitivity, TeamMember


class Via:
    LEAD = "lead"
    MEMBER = "member"
    MANAGER = "manager"
    BREAK_GLASS = "break_glass"


# What a manager of the lead's organisation sees without being in the team.
MANAGER_LEVEL = Sensitivity.STANDARD
# Emergency access is for acting now (e.g. a police inspector on duty at night): it sees all.
BREAK_GLASS_LEVEL = Sensitivity.SENSITIVE

# Why an access was refused, as stored in the audit event's ``reason`` (words: ``audit.labels``).
DENIED_NOT_FOUND = "not_found"
DENIED_NO_ACCESS = "no_access"
DENIED_BREAK_GLASS_NOT_ALLOWED = "not_allowed"
DENIED_BREAK_GLASS_NO_CASE = "no_such_number"


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case, and why."""

    case: Case
    user: object
    level: int
    via: str
    membership: TeamMember | None = None
    grant: BreakGlassAccess | None = None

    @property
    def is_lead(self) -> bool:
        return self.via == Via.LEAD

    @property
    def can_manage_team(self) -> bool:
        """The lead and the managers of the lead's organisation form and change the team."""
        return self.via in (Via.LEAD, Via.MANAGER)

    @property
    def can_change_status(self) -> bool:
        return self.via in (Via.LEAD, Via.MANAGER)

    @property
    def can_write(self) -> bool:
        return self.via in (Via.LEAD, Via.MANAGER, Via.MEMBER)

    @property
    def can_see_audit(self) -> bool:
        """ "Who looked at this case" is for the lead and the lead's managers."""
        return self.via in (Via.LEAD, Via.MANAGER)

    def sees(self, sensitivity: int) -> bool:
        return self.level >= sensitivity


def _manager_org_ids(user):
    return Membership.objects.filter(user=user, role=Role.MANAGER, is_active=True).values("organisation_id")


def visible_cases(user) -> QuerySet[Case]:
    """All cases the user may see, as a queryset to filter, count, page or export further.

    The user's own cases (lead, team, emergency access) are one ``id IN (… UNION ALL …)``, which
    both engines answer from indexes; a manager's organisations are added as a plain condition
    on the case, so a manager's list walks the ``opened_at`` index instead of gathering tens of
    thousands of ids (see docs/performance.md). An OR of all four conditions made PostgreSQL
    scan every case for every user.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    now = timezone.now()
    led = Case.objects.filter(lead=user).values("pk").order_by()
    member_cases = TeamMember.objects.filter(user=user, left_at__isnull=True).values("case_id").order_by()
    glass_cases = BreakGlassAccess.objects.filter(user=user, expires_at__gt=now).values("case_id").order_by()
    own = Q(pk__in=led.union(member_cases, glass_cases, all=True))
    managed = list(_manager_org_ids(user).values_list("organisation_id", flat=True))
    if managed:
        return Case.objects.filter(Q(lead_organisation_id__in=managed) | own)
    return Case.objects.filter(own)


def access_for(user, case: Case) -> CaseAccess | None:
    """The user's access to ``case``, the strongest that applies, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if case.lead_id == user.pk:
        membership = TeamMember.objects.filter(case=case, user=user, left_at__isnull=True).first()
        return CaseAccess(case, user, Sensitivity.SENSITIVE, Via.LEAD, membership=membership)
    membership = TeamMember.objects.filter(case=case, user=user, left_at__isnull=True).first()
    grant = (
        BreakGlassAccess.objects.filter(case=case, user=user, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    candidates: list[CaseAccess] = []
    if membership is not None:
        candidates.append(CaseAccess(case, user, membership.sharing_level, Via.MEMBER, membership=membership))
    if Membership.objects.filter(
        user=user, role=Role.MANAGER, is_active=True, organisation_id=case.lead_organisation_id
    ).exists():
        candidates.append(CaseAccess(case, user, MANAGER_LEVEL, Via.MANAGER, membership=membership))
    if grant is not None:
        candidates.append(
            CaseAccess(case, user, BREAK_GLASS_LEVEL, Via.BREAK_GLASS, membership=membership, grant=grant)
        )
    if not candidates:
        return None
    # Highest level wins; on a tie a regular role beats emergency access (so it is not logged as one).
    order = {Via.MEMBER: 0, Via.MANAGER: 1, Via.BREAK_GLASS: 2}
    return max(candidates, key=lambda a: (a.level, -order[a.via]))


def _case_queryset():
    return Case.objects.select_related(
        "child", "child__settlement", "lead", "lead_organisation", "municipality"
    )


def case_for_user(
    user, case_id, *, ctx: AuditContext, action: str = "case.view", audit: bool = True
) -> CaseAccess:
    """Fetch a case and the user's access in one step, and audit the read.

    Raises Http404 both when the case does not exist and when the user may not see it, so a
    case's existence never leaks across agencies. A read through emergency access is audited
    with the written reason. A refusal is audited too (kind ``denied``), whether or not the
    read would have been (``audit``), and counts towards the probe alert (``audit.denials``).
    """
    try:
        case = _case_queryset().get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        denial_record(ctx=ctx, action=action, object_type="case", object_id=case_id, reason=DENIED_NOT_FOUND)
        raise Http404 from None
    access = access_for(user, case)
    if access is None:
        # On record for the lead ("who looked at this case"), though the answer is the same 404.
        denial_record(
            ctx=ctx,
            action=action,
            object_type="case",
            object_id=case.pk,
            case_id=case.pk,
            reason=DENIED_NO_ACCESS,
        )
        raise Http404
    if audit:
        audit_record(
            ctx=ctx,
            action=action,
            kind=AuditKind.READ,
            case_id=case.pk,
            object_type="case",
            object_id=case.pk,
            reason=access.grant.reason if access.via == Via.BREAK_GLASS and access.grant else "",
            details={"via": access.via, "level": int(access.level)},
        )
    return access


def case_exists_for_break_glass(case_number: str, *, ctx: AuditContext | None = None) -> Case | None:
    """Find a case by its exact number for an emergency-access request (no listing, no search).

    With ``ctx``, a number that matches no case is audited as a refused emergency access.
    """
    case = Case.objects.filter(number=case_number.strip()).select_related("lead").first()
    if case is None and ctx is not None:
        break_glass_refused(ctx=ctx, reason=DENIED_BREAK_GLASS_NO_CASE, case_number=case_number)
    return case


def break_glass_refused(
    *, ctx: AuditContext, reason: str, case_number: str = "", case: Case | None = None
) -> None:
    """Audit a refused emergency access: not allowed for the user's organisation, or no such case.

    A number that names a case puts the attempt on that case (its lead sees it); one that names
    none is kept as typed (a case number, not personal data), so guessing numbers is a probe too.
    """
    from zaedno.children.services import search_term_for_audit

    details = None
    if case is not None:
        object_type, object_id = "case", case.pk
    elif case_number.strip():
        # Typed into the number field, so it may be anything, an ЕГН too: kept as a search is.
        term = search_term_for_audit(case_number, limit=64)
        object_type, object_id = "case_number", term.pop("query")
        details = term or None
    else:
        object_type, object_id = "break_glass", ""
    denial_record(
        ctx=ctx, action="case.break_glass.refused", object_type=object_type, object_id=object_id,
        case_id=case.pk if case else None, reason=reason, details=details,
    )  # fmt: skip
