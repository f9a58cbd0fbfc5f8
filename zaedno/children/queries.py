"""Reads of children, always through the case access layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zaedno.audit.denials import denial_record
from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import access_for, visible_cases
from zaedno.cases.models import Case, CaseStatus, Sensitivity
from zaedno.children.models import Child, DuplicateCheck
from zaedno.core.translit import search_key


def visible_children(user) -> QuerySet[Child]:
    """Children the user may see: those of a visible case, and those the user registered.

    A record merged into another (a confirmed duplicate) is no longer listed: its cases and
    relatives are on the surviving record (see :func:`merged_target_for_user`).
    """
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    # One indexed UNION rather than an OR, which PostgreSQL answers by scanning every child.
    via_cases = visible_cases(user).order_by().values("child_id")
    registered = Child.objects.filter(created_by=user).order_by().values("pk")
    return Child.objects.filter(pk__in=via_cases.union(registered, all=True), merged_into__isnull=True)


def merged_target_for_user(user, child_id) -> Child | None:
    """The surviving record a merged child now lives in, if the user may see it (else None)."""
    try:
        target_id = (
            Child.objects.filter(pk=int(child_id))
            .exclude(merged_into=None)
            .values_list("merged_into", flat=True)
            .first()
        )
    except (ValueError, TypeError):
        return None
    if target_id is None:
        return None
    # A merge chain (A into B, later B into C) ends at the record still in use.
    for _ in range(10):
        nxt = Child.objects.filter(pk=target_id).values_list("merged_into", flat=True).first()
        if nxt is None:
            break
        target_id = nxt
    return visible_children(user).filter(pk=target_id).first()


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
        # The same refusal whether the child is missing or out of reach: no case id, nothing leaks.
        denial_record(
            ctx=ctx, action="child.view", object_type="child", object_id=child_id, reason="no_access"
        )
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


# --- likely duplicates: what a user may learn about a record they may not see --------------

ACTIVE_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.FOLLOW_UP)
JOIN_WINDOW = dt.timedelta(days=7)


@dataclass
class Contact:
    """Whom to ask about a record: an organisation's name and phone (nothing about the case)."""

    name: str
    phone: str


@dataclass
class DuplicateHint:
    """One likely existing record as shown to one user.

    To a user who may not see the child: only that a record exists, how strongly it matches and
    which typed fields matched (never the stored values), whether it has an open case, and the
    organisations to ask (the lead organisations of its open cases, or the one that registered
    it) — no case number, category, team, signal, address, nor how many cases there are. A user
    who may see the child gets its name and the links to it and to the cases they may see.
    """

    child_id: int
    strength: str
    score: int
    fields: dict[str, str]
    has_open_case: bool
    contacts: list[Contact]
    visible: bool = False
    name: str = ""
    url: str = ""
    cases: list[dict] = field(default_factory=list)
    # An open case the user is not in the team of: the user may ask to join it.
    can_request_join: bool = False

    @property
    def is_strong(self) -> bool:
        return self.strength == "strong"


def duplicate_hints(user, matches) -> list[DuplicateHint]:
    """What ``user`` may be told about each match (four queries whatever the number).

    The user may see a matched child as on :func:`visible_children`: through a visible case,
    or having registered it.
    """
    from django.urls import reverse

    ids = [m.child_id for m in matches]
    if not ids:
        return []
    children = {
        pk: row
        for pk, *row in Child.objects.filter(pk__in=ids).values_list(
            "pk", "first_name", "middle_name", "last_name", "created_by_id",
            "created_by_organisation__name", "created_by_organisation__phone",
        )
    }  # fmt: skip
    open_cases: dict[int, list[tuple[int, int]]] = {}
    orgs: dict[int, Contact] = {}
    for case_id, child_id, org_id, org_name, phone in Case.objects.filter(
        child_id__in=ids, status__in=ACTIVE_CASE_STATUSES
    ).values_list(
        "pk", "child_id", "lead_organisation_id", "lead_organisation__name", "lead_organisation__phone"
    ):
        open_cases.setdefault(child_id, []).append((case_id, org_id))
        orgs[org_id] = Contact(name=org_name, phone=phone)
    seen_cases: dict[int, list[dict]] = {}
    for pk, number, child_id, status in (
        visible_cases(user)
        .filter(child_id__in=ids)
        .order_by("-opened_at")
        .values_list("pk", "number", "child_id", "status")
    ):
        seen_cases.setdefault(child_id, []).append(
            {"id": pk, "number": number, "status": status, "url": reverse("cases:detail", args=[pk])}
        )
    hints = []
    for m in matches:
        first, middle, last, created_by, reg_name, reg_phone = children.get(
            m.child_id, ("",) * 3 + (None, None, "")
        )
        cases_open = open_cases.get(m.child_id, [])
        seen_ids = {c["id"] for c in seen_cases.get(m.child_id, [])}
        contacts: list[Contact] = []
        for _case_id, org_id in cases_open:
            if orgs[org_id] not in contacts:
                contacts.append(orgs[org_id])
        if not cases_open and reg_name:
            contacts.append(Contact(name=reg_name, phone=reg_phone or ""))
        is_visible = m.child_id in seen_cases or (created_by is not None and created_by == user.pk)
        hints.append(
            DuplicateHint(
                child_id=m.child_id, strength=m.strength, score=m.score, fields=dict(m.fields),
                has_open_case=bool(cases_open), contacts=contacts, visible=is_visible,
                name=" ".join(p for p in (first, middle, last) if p) if is_visible else "",
                url=reverse("children:detail", args=[m.child_id]) if is_visible else "",
                cases=seen_cases.get(m.child_id, []),
                can_request_join=any(case_id not in seen_ids for case_id, _ in cases_open),
            )
        )  # fmt: skip
    return hints


def recently_matched(user, child_id: int, *, now=None) -> bool:
    """Whether ``user`` found ``child_id`` in a duplicate check lately: one may ask to join the
    team of a record one found, not of any id one guesses."""
    now = now or timezone.now()
    for matches in DuplicateCheck.objects.filter(user=user, at__gte=now - JOIN_WINDOW).values_list(
        "matches", flat=True
    )[:200]:
        if int(child_id) in matches:
            return True
    return False


def child_found_by(user, child_id) -> Child:
    """A child the user may see, or one a duplicate check of theirs found lately (they know only
    that the record exists, e.g. to say a signal is about it), or 404."""
    try:
        child = Child.objects.filter(pk=int(child_id), merged_into__isnull=True).first()
    except (ValueError, TypeError):
        child = None
    if child is None:
        raise Http404
    if not may_name(user, child.pk):
        raise Http404
    return child


def may_name(user, child_id: int) -> bool:
    """Whether ``user`` may say a record is about this child: one they see, or one a duplicate
    check of theirs found lately."""
    return visible_children(user).filter(pk=child_id).exists() or recently_matched(user, child_id)
