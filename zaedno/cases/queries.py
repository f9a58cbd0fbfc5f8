"""Reads of case data. Every function starts from the access layer."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess, visible_cases
from zaedno.cases.models import (
    BreakGlassAccess,
    Case,
    CaseNote,
    HandoverStatus,
    LeadHandover,
    TeamMember,
    TeamRole,
    TimelineEntry,
)
from zaedno.children.queries import child_search_q

LIST_AUDIT_MAX_IDS = 200


def case_list(user, *, query: str = "", status: str = "", ctx: AuditContext | None = None) -> QuerySet[Case]:
    """The user's visible cases, searched by child name (Cyrillic/Latin), ЕГН/ЛНЧ or case number.

    The queryset is lazy; call :func:`audit_case_list` with the page actually shown.
    """
    qs = visible_cases(user)
    if status:
        qs = qs.filter(status=status)
    query = (query or "").strip()
    if query:
        # Joined to the visible cases' children, so a search costs what the user's caseload does,
        # not what all the children in the system do.
        qs = qs.filter(child_search_q(query, prefix="child__") | Q(number__iexact=query))
    return qs.select_related("child", "lead", "lead_organisation", "municipality").order_by(
        "-opened_at", "-id"
    )


def with_team_sizes(cases, *, source: QuerySet[Case] | None = None) -> list[Case]:
    """Set ``team_size`` (active members) on the cases shown, in one query.

    Counted only for the rows shown: a count annotated on the whole list grouped every visible
    case with its team before sorting (1.5 s for a manager seeing 70,000 cases). Pass the list's
    queryset as ``source`` when the rows are many (an export), so the ids go as a subquery.
    """
    cases = list(cases)
    ids = source.order_by().values("pk") if source is not None else [c.pk for c in cases]
    counts = dict(
        TeamMember.objects.filter(case_id__in=ids, left_at__isnull=True)
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    for case in cases:
        case.team_size = counts.get(case.pk, 0)
    return cases


def audit_case_list(ctx: AuditContext, cases, *, action: str = "case.list", query: str = "") -> None:
    """One read event naming the cases a list, search or export showed; an ЕГН/ЛНЧ searched for
    is kept only as a keyed hash (``children.services.search_term_for_audit``)."""
    from zaedno.children.services import search_term_for_audit

    ids = [c.pk for c in cases][:LIST_AUDIT_MAX_IDS]
    audit_record(
        ctx=ctx,
        action=action,
        kind=AuditKind.READ,
        object_type="case",
        details={"case_ids": ids, **search_term_for_audit(query)},
    )


def case_team(access: CaseAccess, *, include_former: bool = True) -> list[TeamMember]:
    qs = TeamMember.objects.filter(case=access.case).select_related("user", "organisation")
    if not include_former:
        qs = qs.filter(left_at__isnull=True)
    # Active members first (NULL left_at), on SQLite and PostgreSQL alike.
    return list(qs.order_by(F("left_at").asc(nulls_first=True), "joined_at", "id"))


def case_timeline(access: CaseAccess, *, limit: int | None = None) -> list[TimelineEntry]:
    """Timeline entries up to the reader's sharing level, newest last."""
    qs = TimelineEntry.objects.filter(case=access.case, sensitivity__lte=access.level).select_related("actor")
    qs = qs.order_by("at", "id")
    return list(qs[:limit] if limit else qs)


def case_notes(access: CaseAccess) -> list[CaseNote]:
    return list(
        CaseNote.objects.filter(case=access.case, sensitivity__lte=access.level).select_related("author")
    )


def case_viewers(access: CaseAccess, *, limit: int = 200) -> list[AuditEvent]:
    """Who looked at this case (reads from the audit) and who was refused, for the lead and
    managers only."""
    if not access.can_see_audit:
        return []
    return list(
        AuditEvent.objects.filter(
            case_id=access.case.pk, kind__in=[AuditKind.READ, AuditKind.ACCESS, AuditKind.DENIED]
        ).order_by("-seq")[:limit]
    )


def case_break_glass_pending(access: CaseAccess) -> list[BreakGlassAccess]:
    """Emergency accesses to this case still waiting for review, for the lead and managers only."""
    if not access.can_see_audit:
        return []
    return list(
        BreakGlassAccess.objects.filter(case=access.case, reviewed_at__isnull=True)
        .select_related("user")
        .order_by("-granted_at")
    )


# --- the case lead ------------------------------------------------------------------------------


def pending_handover(access: CaseAccess) -> LeadHandover | None:
    """The handover of this case waiting for the new lead's answer, if any."""
    return (
        LeadHandover.objects.filter(case=access.case, status=HandoverStatus.PENDING)
        .select_related("to_user", "to_organisation", "proposed_by")
        .first()
    )


def handover_to_answer(user, case_id) -> LeadHandover:
    """The handover of ``case_id`` that asks ``user`` to take over, or 404: the only door into a
    case for a professional not yet in its team (they see the case number, who asks and why)."""
    from django.http import Http404

    try:
        return LeadHandover.objects.select_related(
            "case", "from_user", "from_organisation", "to_organisation", "proposed_by"
        ).get(case_id=int(case_id), to_user=user, status=HandoverStatus.PENDING)
    except (LeadHandover.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def handovers_waiting_for(user) -> list[LeadHandover]:
    return list(
        LeadHandover.objects.filter(to_user=user, status=HandoverStatus.PENDING)
        .select_related("case", "from_user", "from_organisation")
        .order_by("proposed_at")
    )


def case_deputy(access: CaseAccess) -> TeamMember | None:
    return next((m for m in case_team(access, include_former=False) if m.role == TeamRole.DEPUTY), None)


def lead_stand_ins(case_ids, day=None) -> dict[int, object]:
    """For the cases among ``case_ids`` whose lead is away on ``day`` (today), their deputy lead
    (a user), who receives the lead's deadline notices meanwhile — two queries."""
    from django.utils import timezone

    from zaedno.accounts.models import Absence

    ids = {int(c) for c in case_ids if c}
    if not ids:
        return {}
    day = day or timezone.localdate()
    away = Absence.objects.filter(starts_on__lte=day, ends_on__gte=day).values("user_id")
    return {
        m.case_id: m.user
        for m in TeamMember.objects.filter(
            case_id__in=ids, role=TeamRole.DEPUTY, left_at__isnull=True, user__is_active=True,
            case__lead_id__in=away,
        ).select_related("user")
    }  # fmt: skip
