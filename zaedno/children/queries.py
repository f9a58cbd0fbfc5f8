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
    return Child.objects.filter(Q(pk__in=visible_cases(user).values("child_id")) | Q(created_by=user))


def search_children(qs: QuerySet[Child], query: str) -> QuerySet[Child]:
    """Filter by ЕГН/ЛНЧ (exact) or by name typed in Cyrillic or Latin (every word must match)."""
    query = (query or "").strip()
    if not query:
        return qs
    digits = query.replace(" ", "")
    if digits.isdigit():
        return qs.filter(Q(egn=digits) | Q(lnch=digits)) if len(digits) == 10 else qs.none()
    for word in search_key(query).split():
        qs = qs.filter(search_key__contains=word)
    return qs


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
