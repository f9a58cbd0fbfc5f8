"""Join requests: sent to the lead of each open case, accepted (member added), declined with a
reason, withdrawn; the requester learns nothing about the case until accepted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for, case_for_user
from zaedno.cases.models import Sensitivity, TeamMember
from zaedno.children.duplicates import DuplicateQuery
from zaedno.children.services import duplicate_check
from zaedno.core.testing import ctx_for, open_case
from zaedno.join_requests.models import JoinRequest, JoinRequestStatus
from zaedno.join_requests.services import (
    join_request_accept,
    join_request_decline,
    join_request_send,
    join_request_withdraw,
)
from zaedno.notifications.models import Notification

pytestmark = pytest.mark.django_db

MESSAGE = "Аз съм психолог на детето в училище от септември."


def look_up(world, who="georgieva"):
    user = getattr(world, who)
    return duplicate_check(
        ctx=ctx_for(user),
        query=DuplicateQuery(first_name="Georgi", last_name="Stefanov", birth_date=world.child.birth_date),
    )


def send(world, who="georgieva", org=None):
    user = getattr(world, who)
    return join_request_send(
        ctx=ctx_for(user), child_id=world.child.pk, organisation=org or world.dps, message=MESSAGE,
        child_label="Георги Стефанов, 15.03.2012",
    )  # fmt: skip


def leaks(text: str, world) -> list[str]:
    secrets = [world.case.number, "ТАЙНО", "насилие", "Петров", "Иванова", "Мария"]
    return [s for s in secrets if s in text]


def test_a_request_needs_a_lookup_first(world):
    with pytest.raises(ValidationError) as exc:
        send(world)
    assert "child" in exc.value.message_dict
    assert not JoinRequest.objects.exists()


def test_request_goes_to_the_lead_who_accepts(world):
    look_up(world)
    (req,) = send(world)
    assert req.case == world.case and req.status == JoinRequestStatus.PENDING
    note = Notification.objects.get(user=world.ivanova, kind="join_request.received")
    assert world.case.number in note.title and "Георгиева" in note.title
    # Until accepted the requester cannot see the case, and nothing sent to them names it.
    from django.http import Http404

    with pytest.raises(Http404):
        case_for_user(world.georgieva, world.case.pk, ctx=ctx_for(world.georgieva))
    assert not Notification.objects.filter(user=world.georgieva).exists()

    join_request_accept(
        ctx=ctx_for(world.ivanova), access=world.lead_access, request=req, sharing_level=Sensitivity.BASIC
    )
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.ACCEPTED and req.decided_by == world.ivanova
    member = TeamMember.objects.get(case=world.case, user=world.georgieva, left_at__isnull=True)
    assert member.sharing_level == Sensitivity.BASIC and member.organisation == world.dps
    assert access_for(world.georgieva, world.case).level == Sensitivity.BASIC
    accepted = Notification.objects.get(user=world.georgieva, kind="join_request.accepted")
    assert world.case.number in accepted.title
    assert AuditEvent.objects.filter(action="join_request.accept", case_id=world.case.pk).exists()
    assert AuditEvent.objects.filter(action="team.add", case_id=world.case.pk).exists()


def test_decline_needs_a_reason_and_tells_nothing_of_the_case(world):
    look_up(world)
    (req,) = send(world)
    with pytest.raises(ValidationError) as exc:
        join_request_decline(ctx=ctx_for(world.ivanova), access=world.lead_access, request=req, reason=" ")
    assert "reason" in exc.value.message_dict
    join_request_decline(
        ctx=ctx_for(world.ivanova), access=world.lead_access, request=req, reason="Екипът е пълен засега."
    )
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.DECLINED and req.decline_reason == "Екипът е пълен засега."
    note = Notification.objects.get(user=world.georgieva, kind="join_request.declined")
    assert leaks(note.title + note.body + note.url, world) == []
    assert note.case_id is None
    assert not TeamMember.objects.filter(case=world.case, user=world.georgieva).exists()
    with pytest.raises(ValidationError):
        join_request_accept(ctx=ctx_for(world.ivanova), access=world.lead_access, request=req)


def test_only_the_lead_or_manager_answers(world):
    look_up(world)
    (req,) = send(world)
    petrov = access_for(world.petrov, world.case)
    with pytest.raises(PermissionDenied):
        join_request_accept(ctx=ctx_for(world.petrov), access=petrov, request=req)
    manager = access_for(world.nikolova, world.case)
    join_request_accept(ctx=ctx_for(world.nikolova), access=manager, request=req)
    assert TeamMember.objects.filter(case=world.case, user=world.georgieva, left_at__isnull=True).exists()


def test_withdraw_and_no_second_pending_request(world):
    look_up(world)
    (req,) = send(world)
    with pytest.raises(ValidationError):
        send(world)  # already asked: nothing left to ask
    with pytest.raises(PermissionDenied):
        join_request_withdraw(ctx=ctx_for(world.koleva), request=req)
    join_request_withdraw(ctx=ctx_for(world.georgieva), request=req)
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.WITHDRAWN
    (again,) = send(world)
    assert again.pk != req.pk


def test_one_request_per_open_case_each_to_its_lead(world):
    second = open_case(world, world.child, lead=world.stoyanov, org=world.cop)
    look_up(world, "koleva")
    sent = send(world, "koleva", world.ngo)
    assert {r.case_id for r in sent} == {world.case.pk, second.pk}
    assert Notification.objects.filter(user=world.stoyanov, kind="join_request.received").count() == 1


def test_member_already_in_the_team_has_nothing_to_ask(world):
    look_up(world, "petrov")
    with pytest.raises(ValidationError):
        send(world, "petrov", world.school)


def test_organisation_must_be_the_requesters(world):
    look_up(world)
    with pytest.raises(ValidationError) as exc:
        send(world, org=world.school)
    assert "organisation" in exc.value.message_dict
