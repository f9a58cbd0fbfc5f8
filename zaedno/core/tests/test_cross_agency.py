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
from zaedno.audit.models import AuditEvent
from zaedno.core.testing import PASSWORD

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


def object_ids(world) -> dict[str, int]:
    """A real object of the world's case for each id a route may take (when the app has one)."""
    from django.apps import apps

    ids: dict[str, int] = {"member_id": world.petrov_member.pk}
    lookups = {
        "meeting_id": ("meetings", "Meeting"),
        "decision_id": ("meetings", "Decision"),
        "step_id": ("protocols", "CaseStep"),
        "grant_id": ("cases", "BreakGlassAccess"),
    }
    for param, (app, model) in lookups.items():
        obj = apps.get_model(app, model).objects.filter(case=world.case).first()
        if obj is not None:
            ids[param] = obj.pk
    return ids


def fill(route: str, case_id: int, ids: dict[str, int]) -> str:
    def value(m: re.Match) -> str:
        name, conv = m.group("name"), m.group("conv") or "str"
        if name == "case_id":
            return str(case_id)
        if conv == "int":
            return str(ids.get(name, 1))
        return "x"

    return "/" + PARAM.sub(value, route)


def test_the_walk_finds_the_case_routes():
    routes = case_routes()
    assert "cases/<int:case_id>/" in routes
    assert "api/v1/cases/<int:case_id>/" in routes
    assert any(r.startswith("cases/<int:case_id>/meetings/") for r in routes)
    assert len(routes) > 30


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_the_answer_of_a_missing_case_on_every_case_route(client, protocols, world, name):
    outsider = getattr(world, name)
    assert client.login(username=outsider.username, password=PASSWORD)
    api = client_for(outsider)
    ids = object_ids(world)
    seen = []
    for route in case_routes():
        http = api if route.startswith("api/") else client
        for method in ("get", "post"):
            real = getattr(http, method)(fill(route, world.case.pk, ids))
            missing = getattr(http, method)(fill(route, MISSING, ids))
            assert real.status_code in (404, 405), (method, route, real.status_code)
            assert real.status_code == missing.status_code, (method, route)
            seen.append((method, route))
    assert not AuditEvent.objects.filter(actor_id=outsider.pk, case_id=world.case.pk).exists()
    assert len(seen) > 60
