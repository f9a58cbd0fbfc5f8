"""Pages: registration shows likely duplicates before saving (with "register anyway"), the
join-request form from a match, /join-requests/ (sent and received), one request with
accept / decline / withdraw, my work; others get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zaedno.audit.models import AuditEvent
from zaedno.cases.models import TeamMember
from zaedno.children.models import Child
from zaedno.core.testing import open_case
from zaedno.join_requests.models import JoinRequest, JoinRequestStatus

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]
MESSAGE = "Детето е в моя клас по психология."


def registration(**extra):
    data = {
        "first_name": "Georgi",
        "middle_name": "",
        "last_name": "Stefanov",
        "birth_date": "15.03.2012",
        "sex": "m",
        "egn": "",
        "lnch": "",
        "settlement": "",
        "address": "",
    }
    return data | extra


def secrets(world):
    return [
        world.case.number,
        "ТАЙНО",
        "насилие",
        "Класен",
        "Петров",
        "Иванова",
        "Иванов Стефанов",
        world.child.egn,
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_registration_shows_the_existing_record_without_case_data(client, world, who):
    client.force_login(getattr(world, who))
    response = client.post(reverse("children:register"), registration())
    assert response.status_code == 200
    page = response.content.decode()
    assert "duplicates-title" in page and world.ozd.name in page
    assert f"{reverse('join_requests:new')}?child={world.child.pk}" in page
    assert 'name="different_child"' in page
    assert [s for s in secrets(world) if s in page] == []
    assert not Child.objects.filter(first_name="Georgi").exists()


def test_register_anyway_after_confirming_a_different_child(client, world):
    client.force_login(world.koleva)
    response = client.post(reverse("children:register"), registration(different_child="1"))
    assert response.status_code == 302
    child = Child.objects.get(first_name="Georgi")
    event = AuditEvent.objects.get(action="child.register", object_id=str(child.pk))
    assert event.details["distinct_from"] == [world.child.pk]


def test_same_egn_cannot_be_registered_anyway(client, world):
    client.force_login(world.koleva)
    response = client.post(
        reverse("children:register"), registration(egn=world.child.egn, different_child="1")
    )
    assert response.status_code == 200
    assert "egn" in response.context["form"].errors
    assert 'name="different_child"' not in response.content.decode()


def test_no_duplicate_registers_directly(client, world):
    client.force_login(world.koleva)
    response = client.post(reverse("children:register"), registration(first_name="Ивайло", last_name="Донев"))
    assert response.status_code == 302


def _ask(client, world, who="koleva", org=None):
    user = getattr(world, who)
    client.force_login(user)
    client.post(reverse("children:register"), registration())  # the lookup
    url = f"{reverse('join_requests:new')}?child={world.child.pk}&label=Georgi+Stefanov"
    page = client.get(url)
    assert page.status_code == 200
    assert [s for s in secrets(world) if s in page.content.decode()] == []
    response = client.post(
        url,
        {
            "child": world.child.pk,
            "organisation": (org or world.ngo).pk,
            "message": MESSAGE,
            "child_label": "Georgi Stefanov",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return JoinRequest.objects.filter(requester=user, status=JoinRequestStatus.PENDING).order_by("pk").first()


def test_join_request_form_needs_a_lookup(client, world):
    client.force_login(world.koleva)
    assert client.get(f"{reverse('join_requests:new')}?child={world.child.pk}").status_code == 404
    assert client.get(f"{reverse('join_requests:new')}?child=x").status_code == 404


def test_lead_accepts_from_my_work_and_the_requester_then_sees_the_case(client, world):
    req = _ask(client, world)
    mine = client.get(reverse("join_requests:detail", args=[req.pk])).content.decode()
    assert "Georgi Stefanov" in mine and [s for s in secrets(world) if s in mine] == []
    assert client.get(reverse("cases:detail", args=[world.case.pk])).status_code == 404

    client.force_login(world.ivanova)
    work = client.get(reverse("protocols:my_work")).content.decode()
    assert "join-requests-title" in work and reverse("join_requests:detail", args=[req.pk]) in work
    detail = client.get(reverse("join_requests:detail", args=[req.pk])).content.decode()
    assert world.case.number in detail and MESSAGE in detail
    response = client.post(reverse("join_requests:accept", args=[req.pk]), {"sharing_level": 2})
    assert response.status_code == 302
    assert TeamMember.objects.filter(case=world.case, user=world.koleva, left_at__isnull=True).exists()

    client.force_login(world.koleva)
    mine = client.get(reverse("join_requests:detail", args=[req.pk])).content.decode()
    assert world.case.number in mine
    assert client.get(reverse("cases:detail", args=[world.case.pk])).status_code == 200


def test_lead_declines_with_a_reason(client, world):
    req = _ask(client, world)
    client.force_login(world.ivanova)
    response = client.post(reverse("join_requests:decline", args=[req.pk]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("join_requests:decline", args=[req.pk]), {"reason": "Не е необходимо засега."}
    )
    assert response.status_code == 302
    client.force_login(world.koleva)
    page = client.get(reverse("join_requests:detail", args=[req.pk])).content.decode()
    assert "Не е необходимо засега." in page and [s for s in secrets(world) if s in page] == []
    listing = client.get(reverse("join_requests:list")).content.decode()
    assert "Georgi Stefanov" in listing and world.case.number not in listing


def test_requester_withdraws(client, world):
    req = _ask(client, world)
    assert client.post(reverse("join_requests:withdraw", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.WITHDRAWN


@pytest.mark.parametrize("who", ["georgieva", "angelova", "dimitrova", "todorov", "admin", "petrov"])
def test_others_get_404_on_a_request(client, world, who):
    req = _ask(client, world)
    client.force_login(getattr(world, who))
    assert client.get(reverse("join_requests:detail", args=[req.pk])).status_code == 404
    for name in ("accept", "decline", "withdraw"):
        assert (
            client.post(reverse(f"join_requests:{name}", args=[req.pk]), {"reason": "x"}).status_code == 404
        )
    assert (
        reverse("join_requests:detail", args=[req.pk])
        not in client.get(reverse("join_requests:list")).content.decode()
    )


def test_list_query_count(client, world, django_assert_max_num_queries):
    for lead, org in ((world.stoyanov, world.cop), (world.ivanova, world.ozd)):
        open_case(world, world.child, lead=lead, org=org)
    _ask(client, world)
    client.force_login(world.ivanova)
    assert JoinRequest.objects.count() == 3
    with django_assert_max_num_queries(12):
        response = client.get(reverse("join_requests:list"))
    assert response.content.decode().count('class="join-request ') == 2  # her two cases
