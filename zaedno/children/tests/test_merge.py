"""Merging confirmed duplicates: everything moves, nothing is deleted, the audit tells what,
conflicting ЕГН refused, only a manager of the surviving record's organisations may merge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zaedno.audit.models import AuditEvent
from zaedno.cases.models import Case, TimelineEntry
from zaedno.children.identifiers import make_egn
from zaedno.children.merge import child_merge, merge_allowed
from zaedno.children.models import Child, ChildMerge, Relationship
from zaedno.children.services import child_register, relative_add
from zaedno.core.testing import ctx_for, open_case

pytestmark = pytest.mark.django_db

BIRTH = dt.date(2012, 3, 15)
REASON = "Двата водещи сравниха акта за раждане на 20.05."


@pytest.fixture
def duplicate(world):
    """The same child registered again by the police (ДПС), in Latin letters, with a case."""
    dup = child_register(
        ctx=ctx_for(world.georgieva), first_name="Georgi", last_name="Stefanov", birth_date=BIRTH, sex="m",
        address="ул. Дублирана 3",
    )  # fmt: skip
    relative_add(
        ctx=ctx_for(world.georgieva), child=dup, full_name="Анна Стефанова", relationship=Relationship.MOTHER
    )
    dup.police_case = open_case(world, dup, lead=world.georgieva, org=world.dps, description="ДПС случай")
    return dup


def test_merge_moves_cases_relatives_and_keeps_the_record(world, duplicate):
    world.child.address = ""
    world.child.save(update_fields=["address"])
    merge = child_merge(ctx=ctx_for(world.nikolova), source=duplicate, target=world.child, reason=REASON)
    duplicate.refresh_from_db()
    world.child.refresh_from_db()
    assert duplicate.merged_into == world.child and duplicate.merged_at is not None
    assert Child.objects.filter(pk=duplicate.pk).exists()  # kept, never deleted
    assert Case.objects.get(pk=duplicate.police_case.pk).child == world.child
    assert world.child.relatives.filter(full_name="Анна Стефанова").exists()
    assert world.child.address == "ул. Дублирана 3"  # what the surviving record lacked
    assert merge.moved["records"]["cases.Case.child"] == [duplicate.police_case.pk]
    event = AuditEvent.objects.get(action="child.merge")
    assert event.actor_id == world.nikolova.pk and event.reason == REASON
    assert event.details["source"] == duplicate.pk and event.details["target"] == world.child.pk
    assert event.details["counts"]["cases.Case.child"] == 1
    assert "ул. Дублирана" not in str(event.details)
    for case in (world.case, duplicate.police_case):
        assert TimelineEntry.objects.filter(case=case, message__startswith="A duplicate record").exists()
    # The police case keeps its lead and team: nobody gained access through the merge.
    police = Case.objects.get(pk=duplicate.police_case.pk)
    assert police.lead == world.georgieva


def test_identifiers_move_to_the_surviving_record(world):
    egn = make_egn(dt.date(2014, 2, 2), "f", 55)
    a = child_register(
        ctx=ctx_for(world.georgieva),
        first_name="Ана",
        last_name="Колева",
        birth_date=dt.date(2014, 2, 2),
        sex="f",
        egn=egn,
    )
    b = child_register(
        ctx=ctx_for(world.ivanova),
        first_name="Ana",
        last_name="Koleva",
        birth_date=dt.date(2014, 2, 2),
        sex="f",
    )
    child_merge(ctx=ctx_for(world.nikolova), source=a, target=b, reason=REASON)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.egn == egn and a.egn is None
    assert ChildMerge.objects.get(source=a).moved["identifiers"] == {"egn": egn}


def test_conflicting_egn_is_refused(world):
    a = child_register(
        ctx=ctx_for(world.georgieva), first_name="Георги", last_name="Стефанов", birth_date=BIRTH, sex="m",
        egn=make_egn(BIRTH, "m", 99),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        child_merge(ctx=ctx_for(world.nikolova), source=a, target=world.child, reason=REASON)
    assert "egn" in exc.value.message_dict
    a.refresh_from_db()
    assert a.merged_into is None and not ChildMerge.objects.exists()


def test_reason_required_and_not_into_itself(world, duplicate):
    with pytest.raises(ValidationError) as exc:
        child_merge(ctx=ctx_for(world.nikolova), source=duplicate, target=world.child, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        child_merge(ctx=ctx_for(world.nikolova), source=world.child, target=world.child, reason=REASON)


@pytest.mark.parametrize("who", ["ivanova", "petrov", "georgieva", "koleva", "admin"])
def test_only_a_manager_of_the_surviving_records_organisations(world, duplicate, who):
    user = getattr(world, who)
    assert not merge_allowed(user, world.child)
    with pytest.raises(PermissionDenied):
        child_merge(ctx=ctx_for(user), source=duplicate, target=world.child, reason=REASON)
    assert merge_allowed(world.nikolova, world.child)


def test_merge_page(client, world, duplicate):
    client.force_login(world.nikolova)
    url = reverse("children:merge", args=[world.child.pk])
    page = client.get(url).content.decode()
    assert f'value="{duplicate.pk}"' in page
    # The manager may not see the police's record: no name, no address, no case number.
    for secret in ("ул. Дублирана", duplicate.police_case.number, "Анна Стефанова", "ДПС случай"):
        assert secret not in page
    response = client.post(url, {"source": duplicate.pk, "reason": REASON})
    assert response.status_code == 200 and "confirm" in response.context["form"].errors
    response = client.post(url, {"source": duplicate.pk, "reason": REASON, "confirm": "on"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == world.child
    # An old link to the merged record leads to the surviving one.
    client.force_login(world.georgieva)
    response = client.get(reverse("children:detail", args=[duplicate.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "children:detail", args=[world.child.pk]
    )


@pytest.mark.parametrize("who", ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"])
def test_merge_page_404_for_outsiders(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("children:merge", args=[world.child.pk])).status_code == 404


def test_merge_page_refused_to_a_team_member(client, world):
    client.force_login(world.petrov)
    assert client.get(reverse("children:merge", args=[world.child.pk])).status_code == 403
