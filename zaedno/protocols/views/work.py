""" "My work" (моята работа): every professional's open steps; compliance counts for organisations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext
from zaedno.cases.queries import audit_case_list
from zaedno.core.panels import compliance_panels, work_panels
from zaedno.organisations.models import Organisation
from zaedno.places.models import Municipality
from zaedno.protocols import engine
from zaedno.protocols.diagram import owner_words
from zaedno.protocols.models import CaseStep, Compliance
from zaedno.protocols.queries import compliance_counts, my_work

URGENT = (Compliance.OVERDUE, Compliance.DUE_SOON)


def _decorate(items) -> None:
    for item in items:
        step = item.step
        step.title = engine.step_title(step)
        step.owner_label = owner_words(step.owner_role)
        step.protocol_title = engine.text(step.case_protocol.version.body["title"])
        step.state = item.state


@login_required
def my_work_page(request):
    """Overdue and upcoming steps across all my cases, most urgent first; as case lead, also what
    others owe on my cases."""
    now = timezone.now()
    work = my_work(request.user, now)
    _decorate(work.own + work.others)
    cases = {i.step.case.pk: i.step.case for i in work.own + work.others}
    audit_case_list(AuditContext.from_request(request), list(cases.values()), action="work.list")
    context = {
        "now": now,
        "own_urgent": [i for i in work.own if i.state in URGENT],
        "own_later": [i for i in work.own if i.state not in URGENT],
        "others_urgent": [i for i in work.others if i.state in URGENT],
        "others_later": [i for i in work.others if i.state not in URGENT],
        "own_count": len(work.own),
        "others_count": len(work.others),
        "truncated": work.truncated,
        "limit": work.limit,
        "panels": work_panels(request.user, now),
    }
    return render(request, "protocols/my_work.html", context)


STATES = [
    Compliance.OVERDUE, Compliance.DUE_SOON, Compliance.ON_TRACK, Compliance.DONE_ON_TIME,
    Compliance.DONE_LATE, Compliance.NOT_APPLICABLE, Compliance.WAITING, Compliance.ENDED,
]  # fmt: skip


def _rows(counts: dict, names: dict) -> list[dict]:
    rows = []
    for key, name in sorted(names.items(), key=lambda kv: str(kv[1])):
        by_state = counts.get(key, {})
        decided = sum(
            by_state.get(s, 0) for s in (Compliance.DONE_ON_TIME, Compliance.DONE_LATE, Compliance.OVERDUE)
        )
        on_time = by_state.get(Compliance.DONE_ON_TIME, 0)
        rows.append(
            {
                "name": name,
                "cells": [by_state.get(s, 0) for s in STATES],
                "total": sum(by_state.values()),
                "on_time_pct": round(100 * on_time / decided) if decided else None,
            }
        )
    return rows


@login_required
def compliance_page(request):
    """Protocol compliance as counts — no child's data — for the user's organisations (the steps
    they own and the cases they lead) and their municipalities. Managers see every organisation
    of their municipality too."""
    now = timezone.now()
    memberships = list(
        Membership.objects.filter(user=request.user, is_active=True).select_related(
            "organisation__municipality"
        )
    )
    orgs = {m.organisation_id: m.organisation for m in memberships}
    municipalities = {m.organisation.municipality_id: m.organisation.municipality for m in memberships}
    is_manager = any(m.role == Role.MANAGER for m in memberships)
    if is_manager:
        orgs |= {
            o.pk: o for o in Organisation.objects.filter(municipality_id__in=municipalities, is_active=True)
        }
    steps = CaseStep.objects.all()
    owned = compliance_counts(steps.filter(owner_organisation_id__in=orgs), now, "owner_organisation_id")
    led = compliance_counts(
        steps.filter(case__lead_organisation_id__in=orgs), now, "case__lead_organisation_id"
    )
    by_municipality = compliance_counts(
        steps.filter(case__municipality_id__in=municipalities), now, "case__municipality_id"
    )
    context = {
        "now": now,
        "states": STATES,
        "owned": _rows(owned, {pk: str(o) for pk, o in orgs.items() if pk in owned}),
        "led": _rows(led, {pk: str(o) for pk, o in orgs.items() if pk in led}),
        "municipalities": _rows(
            by_municipality,
            {m.pk: str(m) for m in Municipality.objects.filter(pk__in=municipalities)},
        ),
        "is_manager": is_manager,
        "panels": compliance_panels(request.user, orgs, municipalities, now),
    }
    return render(request, "protocols/compliance.html", context)
