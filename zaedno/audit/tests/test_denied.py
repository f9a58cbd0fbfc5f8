"""Refused access is on record (issue 13, item 4): denials, the probe alert, ЕГН never in clear."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from zaedno.api.tests.conftest import client_for
from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.audit.services import audit_verify
from zaedno.cases.queries import audit_case_list
from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.notifications.models import Notification

pytestmark = pytest.mark.django_db

VALID_EGN = "1943114314"


def web(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_an_outsider_refused_a_case_is_audited(world):
    r = web(world.georgieva).get(f"/cases/{world.case.pk}/")
    assert r.status_code == 404
    e = AuditEvent.objects.filter(kind=AuditKind.DENIED).last()
    assert e is not None
    assert (e.actor_id, e.case_id, e.object_type, e.object_id) == (
        world.georgieva.pk,
        world.case.pk,
        "case",
        str(world.case.pk),
    )
    assert e.reason == "no_access"
    assert audit_verify().ok


def test_a_missing_case_is_audited_without_a_case(world):
    r = client_for(world.georgieva).get("/api/v1/cases/999999/")
    assert r.status_code == 404
    e = AuditEvent.objects.filter(kind=AuditKind.DENIED).last()
    assert (e.case_id, e.object_id, e.reason, e.channel) == (None, "999999", "not_found", "api")


def test_the_lead_sees_refused_attempts_on_the_web_and_in_the_api(world):
    web(world.georgieva).get(f"/cases/{world.case.pk}/")
    page = web(world.ivanova).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Георгиева" in page or "georgieva" in page
    assert "отказан" in page.lower()
    rows = client_for(world.ivanova).get(f"/api/v1/cases/{world.case.pk}/access-log/").json()
    denied = [r for r in rows if r["kind"] == "denied"]
    assert denied and denied[0]["actor_username"] == "georgieva" and denied[0]["reason"] == "no_access"


def test_a_refused_emergency_access_is_audited(world):
    # A school psychologist's organisation has no emergency access.
    r = client_for(world.petrov).post(
        "/api/v1/cases/emergency-access/",
        {"case_number": world.case.number, "reason": "Трябва ми спешно за проверка на сигнал."},
        format="json",
    )
    assert r.status_code == 403
    e = AuditEvent.objects.filter(kind=AuditKind.DENIED, action="case.break_glass.refused").last()
    assert e is not None and e.actor_id == world.petrov.pk and e.reason == "not_allowed"
    assert e.case_id is None  # refused before the number is looked up


@override_settings(ZAEDNO_PROBE_DENIALS=5, ZAEDNO_PROBE_MINUTES=10)
def test_a_probe_alerts_the_managers_once_per_window_and_is_audited(world, clock, mailoutbox):
    from zaedno.accounts.models import Membership, Role

    # angelova's school gets a manager (the headteacher), who is to be told.
    Membership.objects.create(user=world.petrov, organisation=world.school_go, role=Role.MANAGER)
    c = client_for(world.angelova)
    for n in range(12):
        assert c.get(f"/api/v1/cases/{900000 + n}/").status_code == 404
    probes = AuditEvent.objects.filter(action="access.probe")
    assert probes.count() == 1 and probes.get().actor_id == world.angelova.pk
    alerts = Notification.objects.filter(user=world.petrov, kind="access.probe")
    assert alerts.count() == 1
    alert = alerts.get()
    assert "Ангелина Ангелова" in alert.title and alert.case_id is None
    # No case number and no child in what the manager is told (the e-mail is made from it).
    assert "900000" not in alert.title + alert.body and world.child.first_name not in alert.body
    assert not Notification.objects.filter(user=world.nikolova, kind="access.probe").exists()
    # The next window alerts again, once.
    clock.advance(minutes=11)
    for n in range(6):
        c.get(f"/api/v1/cases/{910000 + n}/")
    assert AuditEvent.objects.filter(action="access.probe").count() == 2
    assert Notification.objects.filter(user=world.petrov, kind="access.probe").count() == 2
    assert audit_verify().ok


def test_an_egn_searched_is_stored_as_the_keyed_hash(world):
    from zaedno.children.duplicates import DuplicateQuery
    from zaedno.children.services import _typed_digest

    audit_case_list(ctx_for(world.ivanova), [], query=f" {VALID_EGN} ")
    details = AuditEvent.objects.filter(action="case.list").last().details
    assert VALID_EGN not in str(details)
    assert details["query_hmac"] == [_typed_digest(DuplicateQuery(egn=VALID_EGN))]


def test_an_egn_searched_through_the_api_children_list_is_not_in_clear(world):
    client_for(world.ivanova).get("/api/v1/children/", {"q": VALID_EGN})
    client_for(world.ivanova).get("/api/v1/cases/", {"q": VALID_EGN})
    assert VALID_EGN not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_a_wrong_number_for_emergency_access_is_audited_and_an_egn_typed_there_is_not_kept(world):
    c = web(world.georgieva)
    reason = "Дете е в полицейското управление и трябва да проверя случая веднага."
    r = c.post("/cases/emergency/", {"number": "VTR04-2026-99999", "reason": reason})
    assert r.status_code == 200
    e = AuditEvent.objects.filter(action="case.break_glass.refused").last()
    assert (e.actor_id, e.reason, e.object_type, e.object_id) == (
        world.georgieva.pk,
        "no_such_number",
        "case_number",
        "VTR04-2026-99999",
    )
    c.post("/cases/emergency/", {"number": VALID_EGN, "reason": reason})
    e = AuditEvent.objects.filter(action="case.break_glass.refused").last()
    assert e.object_id == "[ЕГН/ЛНЧ]" and len(e.details["query_hmac"]) == 1
    # An ЕГН typed as a case id in a URL is not kept either.
    client_for(world.georgieva).get(f"/api/v1/cases/{VALID_EGN}/")
    assert VALID_EGN not in str(list(AuditEvent.objects.values_list("object_id", "details")))
