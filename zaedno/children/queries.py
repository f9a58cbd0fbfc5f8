"""Reads of children, always through the case access layer."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import visible_cases
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
