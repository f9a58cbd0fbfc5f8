"""The shared cross-agency test: every page and endpoint about a case, found by walking the URL
configuration, answers an outsider exactly as it answers for a case that does not exist (404, or
405 for a method the route does not take), and leaves no read of the case in the audit.

New routes are covered the day they are added: nothing here lists them by hand. Each route's other
ids (a meeting, a decision, a tool...) are filled with a real object of the case when one exists,
so a view that looked the object up before checking the case would be caught too.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from zaedno.api.tests.conftest import client_for
from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.core.testing import PASSWORD, ctx_for

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "admin", "angelova"]
MISSING = 987654
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def case_routes() -> list[str]:
    """Every route (as a pattern string) that takes a ``case_id``."""
    out: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = getattr(p.pattern, "_route", None)
            if route is None:  # a regex route (admin, i18n): not about cases
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<int:case_id>" in prefix + route:
                out.append(prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


def casework(world) -> None:
    """One of each case-work record on the world's case, made through the services."""
    import datetime as dt

    from django.utils import timezone

    from zaedno.assessments.services import assessment_start
    from zaedno.meetings.models import MeetingKind, ResponsibleKind
    from zaedno.meetings.services import (
        decision_record,
        meeting_attendance_record,
        meeting_hold,
        meeting_schedule,
    )
    from zaedno.plans.services import followup_schedule
    from zaedno.plans.tests.helpers import agreed_plan
    from zaedno.profiles.services import indicator_record
    from zaedno.tools.services import tool_create
    from zaedno.tools.tests.samples import SAMPLES

    ctx, access, now = ctx_for(world.ivanova), world.lead_access, timezone.now()
    meeting = meeting_schedule(
        ctx=ctx, access=access, kind=MeetingKind.CONFERENCE_INITIAL, starts_at=now - dt.timedelta(hours=1),
        ends_at=now, chair=world.ivanova, members=[world.petrov],
    )  # fmt: skip
    entries = {p.pk: ("present", "") for p in meeting.participants.all()}
    meeting_attendance_record(ctx=ctx, access=access, meeting=meeting, entries=entries)
    meeting_hold(ctx=ctx, access=access, meeting=meeting)
    decision_record(
        ctx=ctx, access=access, meeting=meeting, text="Консултация при психолог", due_on=timezone.localdate(),
        responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user=world.petrov,
    )  # fmt: skip
    tool_create(ctx=ctx, access=access, kind="safety_map", data=SAMPLES["safety_map"])
    assessment_start(ctx=ctx, access=access)
    agreed_plan(world)
    followup_schedule(ctx=ctx, access=access, first_on=timezone.localdate(), responsible=world.ivanova)
    indicator_record(ctx=ctx, access=access, kind="refusal_of_help", note="Майката отказва срещи.")


def object_ids(world) -> dict[str, int]:
    """A real object of the world's case for each id a route may take."""
    from django.apps import apps

    ids: dict[str, int] = {"member_id": world.petrov_member.pk, "number": 1}
    lookups = {
        "meeting_id": ("meetings", "Meeting", "case"),
        "decision_id": ("meetings", "Decision", "case"),
        "step_id": ("protocols", "CaseStep", "case"),
        "grant_id": ("cases", "BreakGlassAccess", "case"),
        "tool_id": ("tools", "ToolDocument", "case"),
        "assessment_id": ("assessments", "Assessment", "case"),
        "plan_id": ("plans", "Plan", "case"),
        "action_id": ("plans", "Action", "plan__case"),
        "checkin_id": ("plans", "FollowUpCheckIn", "case"),
        "indicator_id": ("profiles", "Indicator", "case"),
    }
    for param, (app, model, path) in lookups.items():
        obj = apps.get_model(app, model).objects.filter(**{path: world.case}).first()
        if obj is not None:
            ids[param] = obj.pk
    return ids


# Text parameters get a value the route accepts, so the answer is about the case, not the value.
TEXT_VALUES = {"kind": "safety_map", "sector": "education"}


def fill(route: str, case_id: int, ids: dict[str, int]) -> str:
    def value(m: re.Match) -> str:
        name, conv = m.group("name"), m.group("conv") or "str"
        if name == "case_id":
            return str(case_id)
        if conv == "int":
            return str(ids.get(name, 1))
        return TEXT_VALUES.get(name, "x")

    return "/" + PARAM.sub(value, route)


def test_the_walk_finds_the_case_routes():
    routes = case_routes()
    assert "cases/<int:case_id>/" in routes
    assert "api/v1/cases/<int:case_id>/" in routes
    assert any(r.startswith("cases/<int:case_id>/meetings/") for r in routes)
    assert len(routes) > 30


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_the_answer_of_a_missing_case_on_every_case_route(client, protocols, world, name):
    casework(world)
    outsider = getattr(world, name)
    assert client.login(username=outsider.username, password=PASSWORD)
    api = client_for(outsider)
    ids = object_ids(world)
    assert set(ids) >= {"meeting_id", "decision_id", "tool_id", "assessment_id", "plan_id", "action_id",
                        "checkin_id", "indicator_id", "step_id"}  # fmt: skip
    seen = []
    for route in case_routes():
        http = api if route.startswith("api/") else client
        for method in ("get", "post"):
            real = getattr(http, method)(fill(route, world.case.pk, ids))
            missing = getattr(http, method)(fill(route, MISSING, ids))
            assert real.status_code in (404, 405), (method, route, real.status_code)
            assert real.status_code == missing.status_code, (method, route)
            seen.append((method, route))
    # Nothing but the refusals on record (issue 13, item 4).
    events = AuditEvent.objects.filter(actor_id=outsider.pk, case_id=world.case.pk)
    assert set(events.values_list("kind", flat=True)) == {AuditKind.DENIED}
    assert len(seen) > 200
