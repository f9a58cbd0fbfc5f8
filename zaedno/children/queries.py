"""Reads of children, always through the case access layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import access_for, visible_cases
from zaedno.cases.models import Case, Sensitivity
from zaedno.children.models import Child
from zaedno.core.translit import search_key


def visible_children(user) -> QuerySet[Child]:
    """Children the user may see: those of a visible case, and those the user registered."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    # One indexed UNION rather than an OR, which PostgreSQL answers by scanning every child.
    via_cases = visible_cases(user).order_by().values("child_id")
    registered = Child.objects.filter(created_by=user).order_by().values("pk")
    return Child.objects.filter(pk__in=via_cases.union(registered, all=True))


def child_search_q(query: str, *, prefix: str = "") -> Q | None:
    """The condition for ЕГН/ЛНЧ (exact) or a name typed in Cyrillic or Latin (every word must
    match), on a child reached through ``prefix`` (e.g. ``"child__"`` from a case); None for an
    empty query, a condition matching nothing for an incomplete number."""
    query = (query or "").strip()
    if not query:
        return None
    digits = query.replace(" ", "")
    if digits.isdigit():
        if len(digits) != 10:
            return Q(pk__in=[])
        return Q(**{f"{prefix}egn": digits}) | Q(**{f"{prefix}lnch": digits})
    condition = Q()
    for word in search_key(query).split():
        condition &= Q(**{f"{prefix}search_key__contains": word})
    return condition


def search_children(qs: QuerySet[Child], query: str) -> QuerySet[Child]:
    """Filter children by ЕГН/ЛНЧ or by name in either alphabet (see :func:`child_search_q`)."""
    condition = child_search_q(query)
    return qs if condition is None else qs.filter(condition)


def child_for_user(user, child_id, *, ctx: AuditContext, audit: bool = True) -> Child:
    """Fetch a child the user may see (404 otherwise) and audit the read."""
    try:
        child = (
            visible_children(user)
            .select_related("settlement", "settlement__municipality")
            .get(pk=int(child_id))
        )
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_record(
            ctx=ctx, action="child.view", kind=AuditKind.READ, object_type="child", object_id=child.pk
        )
    return child


@dataclass
class ChildRights:
    """What one user may see and do with a child's record, from their access to the child's cases.

    The one who registered the child sees it all and may edit it (until a case team takes over,
    they are the only one who knows the child); otherwise the highest sharing level among the
    child's visible cases decides: identifiers (ЕГН/ЛНЧ) at the sensitive level, relatives and
    address at the standard level; editing needs write access (not emergency access) to a case.
    """

    level: int
    can_edit: bool
    sees_identity: bool
    sees_relatives: bool
    cases: list[Case] = field(default_factory=list)


def child_rights(user, child) -> ChildRights:
    cases = list(
        visible_cases(user)
        .filter(child=child)
        .select_related("lead", "lead_organisation")
        .order_by("-opened_at")
    )
    accesses = [a for a in (access_for(user, c) for c in cases) if a is not None]
    creator = child.created_by_id == user.pk
    level = (
        Sensitivity.SENSITIVE if creator else max([int(a.level) for a in accesses], default=Sensitivity.BASIC)
    )
    return ChildRights(
        level=level,
        can_edit=creator or any(a.can_write for a in accesses),
        sees_identity=level >= Sensitivity.SENSITIVE,
        sees_relatives=level >= Sensitivity.STANDARD,
        cases=cases,
    )
