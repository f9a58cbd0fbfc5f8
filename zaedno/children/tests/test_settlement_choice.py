"""The settlement is chosen from the list, never guessed from what was typed (issue 12, item 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zaedno.children.models import Child
from zaedno.children.tests.test_views import html, payload
from zaedno.signals.models import Signal

pytestmark = pytest.mark.django_db

NOT_CHOSEN = "Изберете населеното място от списъка под полето"


def test_a_typed_name_without_a_choice_is_refused_and_kept(client, bare_world):
    client.force_login(bare_world.ivanova)
    data = payload(settlement_q="Велико Т")
    del data["settlement"]
    response = client.post(reverse("children:register"), data)
    assert response.status_code == 200
    page = html(response)
    assert NOT_CHOSEN in page
    assert 'value="Велико Т"' in page  # what was typed stays in the box
    assert not Child.objects.filter(last_name="Христова").exists()


def test_an_empty_box_registers_a_child_whose_settlement_is_not_known(client, bare_world):
    client.force_login(bare_world.ivanova)
    data = payload(settlement_q="")
    del data["settlement"]
    assert client.post(reverse("children:register"), data).status_code == 302
    assert Child.objects.get(last_name="Христова").settlement_id is None


def test_a_name_typed_and_chosen_registers_the_settlement(client, bare_world):
    client.force_login(bare_world.ivanova)
    assert client.post(reverse("children:register"), payload(settlement_q="Велико Т")).status_code == 302
    assert Child.objects.get(last_name="Христова").settlement_id == "10447"


def test_editing_the_record_refuses_a_typed_name_without_a_choice(client, world):
    client.force_login(world.ivanova)
    child = world.child
    data = {
        "first_name": child.first_name, "middle_name": child.middle_name, "last_name": child.last_name,
        "birth_date": child.birth_date.strftime("%d.%m.%Y"), "sex": child.sex, "egn": child.egn or "",
        "lnch": "", "address": "", "version": child.version, "settlement_q": "Горна Ор",
    }  # fmt: skip
    response = client.post(reverse("children:edit", args=[child.pk]), data)
    assert response.status_code == 200 and NOT_CHOSEN in html(response)
    child.refresh_from_db()
    assert child.settlement_id == "10447"


def test_the_signal_form_refuses_a_typed_name_without_a_choice(client, bare_world):
    client.force_login(bare_world.petrov)
    data = {
        "kind": "report", "child_first_name": "Николай", "child_age": "14", "child_sex": "m",
        "settlement_q": "Велико Т", "category": "violence", "description": "Синини по гърба.",
        "urgency": "routine", "reporter": "me", "reporter_organisation": bare_world.school.pk,
        "received_at": (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%d.%m.%Y %H:%M"),
    }  # fmt: skip
    response = client.post(reverse("signals:new"), data)
    assert response.status_code == 400 and NOT_CHOSEN in html(response)
    assert not Signal.objects.exists()
