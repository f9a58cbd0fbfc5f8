"""Referrals through the API: the lifecycle from both sides, levels, and 404 for outsiders."""

from __future__ import annotations

import pytest

from zaedno.api.tests.conftest import OUTSIDERS, client_for, last_event, text
from zaedno.cases.models import Sensitivity, TeamMember
from zaedno.referrals.models import Referral, ReferralStatus
from zaedno.referrals.tests.conftest import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(world):
    return make_service(world.cop, "ЦОП — психологическа подкрепа")


def case_url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/referrals/{suffix}"


def incoming_url(suffix=""):
    return f"/api/v1/referrals/incoming/{suffix}"


def payload(service, **kw):
    return {
        "service": service.pk, "reason": "Подкрепа за детето след преместване.", "urgency": "urgent",
        "sections": ["identity", "school"], "legal_basis": "zzd_art11",
    } | kw  # fmt: skip


def test_lifecycle_send_read_decline_accept_complete(world, api, service):
    r = api("ivanova").post(case_url(world.case), payload(service), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    rid = body["id"]
    assert body["status"] == "sent" and body["case"] == world.case.pk and body["overdue"] is False
    assert [s["section"] for s in body["shared"]] == ["identity", "school"]
    assert last_event(action="referral.send").case_id == world.case.pk

    # The receiver: only the shared sections, no case id, and the case stays 404.
    stoyanov = api("stoyanov")
    r = stoyanov.get(incoming_url())
    assert r.status_code == 200 and [x["id"] for x in r.json()] == [rid]
    r = stoyanov.get(incoming_url(f"{rid}/"))
    assert r.status_code == 200
    body = text(r)
    assert "ТАЙНО-EDUCATION" in body and "Стефанов" in body
    for secret in ("ТАЙНО-HEALTH", "ТАЙНО-VIOLENCE", "ТАЙНО-СИГНАЛ", world.case.number):
        assert secret not in body
    assert "case" not in r.json()
    assert last_event(action="referral.incoming.view").actor_id == world.stoyanov.pk
    assert stoyanov.get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    assert stoyanov.get(case_url(world.case, f"{rid}/")).status_code == 404

    # Decline without a reason is refused; with one it is recorded.
    r = stoyanov.post(incoming_url(f"{rid}/decline/"), {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = stoyanov.post(incoming_url(f"{rid}/decline/"), {"reason": "Няма свободни места."}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    r = api("ivanova").get(case_url(world.case, f"{rid}/"))
    assert r.json()["decline_reason"] == "Няма свободни места."

    # Another referral, accepted: the professional joins the team and sees the case.
    rid2 = api("ivanova").post(case_url(world.case), payload(service), format="json").json()["id"]
    r = stoyanov.post(incoming_url(f"{rid2}/accept/"), {"professional": world.petrov.pk}, format="json")
    assert r.status_code == 400 and "professional" in r.json()["error"]["fields"]
    r = stoyanov.post(incoming_url(f"{rid2}/accept/"), {"professional": world.stoyanov.pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert TeamMember.objects.filter(case=world.case, user=world.stoyanov, left_at__isnull=True).exists()
    assert stoyanov.get(f"/api/v1/cases/{world.case.pk}/").status_code == 200

    r = stoyanov.post(case_url(world.case, f"{rid2}/complete/"), {"outcome": ""}, format="json")
    assert r.status_code == 400
    r = stoyanov.post(
        case_url(world.case, f"{rid2}/complete/"), {"outcome": "Шест срещи; по-добре."}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"

    r = api("ivanova").get(case_url(world.case))
    assert [x["status"] for x in r.json()] == ["completed", "declined"]


def test_withdraw(world, api, service):
    rid = api("ivanova").post(case_url(world.case), payload(service), format="json").json()["id"]
    r = api("petrov").post(case_url(world.case, f"{rid}/withdraw/"), {"reason": "не"}, format="json")
    assert r.status_code == 403  # not the sender, not the lead
    r = api("ivanova").post(case_url(world.case, f"{rid}/withdraw/"), {"reason": ""}, format="json")
    assert r.status_code == 400
    r = api("ivanova").post(
        case_url(world.case, f"{rid}/withdraw/"), {"reason": "Вече не е нужно."}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = api("stoyanov").post(
        incoming_url(f"{rid}/accept/"), {"professional": world.stoyanov.pk}, format="json"
    )
    assert r.status_code == 400


def test_section_above_level_and_legal_basis_refused(world, api, service):
    r = api("petrov").post(case_url(world.case), payload(service, sections=["health"]), format="json")
    assert r.status_code == 400 and "sections" in r.json()["error"]["fields"]
    r = api("petrov").post(
        case_url(world.case), payload(service, sharing_level=Sensitivity.SENSITIVE), format="json"
    )
    assert r.status_code == 400 and "sharing_level" in r.json()["error"]["fields"]
    r = api("ivanova").post(case_url(world.case), payload(service, legal_basis="consent"), format="json")
    assert r.status_code == 400
    assert {"consent_given_by", "consent_given_on"} <= set(r.json()["error"]["fields"])
    r = api("ivanova").post(case_url(world.case), payload(service) | {"service": 999999}, format="json")
    assert r.status_code == 400 and "service" in r.json()["error"]["fields"]
    assert not Referral.objects.exists()


def test_standard_level_member_does_not_see_sensitive_shared_section(world, api, service):
    rid = (
        api("ivanova")
        .post(case_url(world.case), payload(service, sections=["health"]), format="json")
        .json()["id"]
    )
    assert "ТАЙНО-HEALTH" in text(api("ivanova").get(case_url(world.case, f"{rid}/")))
    r = api("petrov").get(case_url(world.case, f"{rid}/"))
    assert r.status_code == 200 and r.json()["shared"] == [] and "ТАЙНО-HEALTH" not in text(r)


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_endpoint(world, api, service, name):
    rid = api("ivanova").post(case_url(world.case), payload(service), format="json").json()["id"]
    client = client_for(getattr(world, name))
    for url in (case_url(world.case), case_url(world.case, f"{rid}/"), incoming_url(f"{rid}/")):
        assert client.get(url).status_code == 404, url
    assert client.post(case_url(world.case), payload(service), format="json").status_code == 404
    for url in (
        case_url(world.case, f"{rid}/withdraw/"),
        case_url(world.case, f"{rid}/complete/"),
        incoming_url(f"{rid}/accept/"),
        incoming_url(f"{rid}/decline/"),
    ):
        r = client.post(
            url, {"reason": "x", "outcome": "x", "professional": world.stoyanov.pk}, format="json"
        )
        assert r.status_code == 404, url
    assert client.get(incoming_url()).json() == []
    assert Referral.objects.get(pk=rid).status == ReferralStatus.SENT


def test_the_sender_gets_404_on_the_incoming_endpoints(world, api, service):
    rid = api("ivanova").post(case_url(world.case), payload(service), format="json").json()["id"]
    assert api("ivanova").get(incoming_url(f"{rid}/")).status_code == 404
    assert (
        api("ivanova").post(incoming_url(f"{rid}/decline/"), {"reason": "x"}, format="json").status_code
        == 404
    )
