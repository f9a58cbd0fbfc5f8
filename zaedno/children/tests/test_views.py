"""Child pages: register with plain-language errors, the record, relatives, edit with a version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.services import break_glass_open
from zaedno.children.identifiers import make_egn
from zaedno.children.models import Child
from zaedno.children.services import child_update
from zaedno.core.testing import ctx_for

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


def html(response) -> str:
    return response.content.decode()


def payload(**extra):
    birth = dt.date(2015, 6, 1)
    data = {
        "first_name": "Мария",
        "middle_name": "Петрова",
        "last_name": "Христова",
        "birth_date": birth.isoformat(),
        "sex": "f",
        "egn": make_egn(birth, "f", 42),
        "lnch": "",
        "settlement": "10447",
        "address": "ул. Роза 5",
    }
    data.update(extra)
    return data


def test_register_a_child(client, bare_world):
    client.force_login(bare_world.ivanova)
    assert client.get(reverse("children:register")).status_code == 200
    response = client.post(reverse("children:register"), payload())
    assert response.status_code == 302
    child = Child.objects.get(last_name="Христова")
    assert response["Location"] == reverse("children:detail", args=[child.pk])
    assert child.settlement_id == "10447" and child.name_latin == "Maria Petrova Hristova"
    assert AuditEvent.objects.filter(action="child.register", actor_id=bare_world.ivanova.pk).exists()
    page = html(client.get(response["Location"]))
    assert "Мария Петрова Христова" in page and "01.06.2015" in page
    assert child.egn in page  # the registering professional sees the full ЕГН
    assert AuditEvent.objects.filter(action="child.view", kind=AuditKind.READ).exists()


def test_register_accepts_bulgarian_date_and_no_identifier(client, bare_world):
    client.force_login(bare_world.ivanova)
    response = client.post(
        reverse("children:register"), payload(birth_date="01.06.2015", egn="", settlement="")
    )
    assert response.status_code == 302
    child = Child.objects.get(last_name="Христова")
    assert child.egn is None and child.settlement is None


@pytest.mark.parametrize(
    "egn, message",
    [
        ("123", "точно 10 цифри"),
        ("1546010855", "контролната цифра"),  # wrong check digit
        ("15561314", "точно 10 цифри"),
        ("1553010423", "несъществуваща дата"),  # month 53 − 40 = 13
    ],
)
def test_bad_egn_shows_an_error_under_the_egn_field(client, bare_world, egn, message):
    client.force_login(bare_world.ivanova)
    response = client.post(reverse("children:register"), payload(egn=egn))
    assert response.status_code == 200
    assert "egn" in response.context["form"].errors
    page = html(response)
    field = page.split('id="field-egn"', 1)[1].split('id="field-lnch"', 1)[0]
    assert 'id="id_egn_error"' in field
    assert message in field
    assert not Child.objects.filter(last_name="Христова").exists()


def test_egn_that_disagrees_with_birth_date(client, bare_world):
    client.force_login(bare_world.ivanova)
    response = client.post(reverse("children:register"), payload(birth_date="2015-06-02"))
    assert "се различава от въведената" in str(response.context["form"].errors["egn"])


def test_future_birth_date(client, bare_world):
    client.force_login(bare_world.ivanova)
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client.post(reverse("children:register"), payload(birth_date=future, egn=""))
    assert "не може да е в бъдещето" in str(response.context["form"].errors["birth_date"])


def test_duplicate_egn_is_refused(client, world):
    client.force_login(world.ivanova)
    response = client.post(
        reverse("children:register"),
        payload(egn=world.child.egn, birth_date="2012-03-15", sex="m", first_name="Друго"),
    )
    assert "вече е регистрирано" in str(response.context["form"].errors["egn"])


def test_settlement_search(client, bare_world):
    client.force_login(bare_world.ivanova)
    page = html(client.get(reverse("children:settlements"), {"q": "велико търн"}))
    assert "Велико Търново" in page and 'value="10447"' in page
    assert "община" in page
    many = html(client.get(reverse("children:settlements"), {"q": "Бр"}))
    assert 0 < many.count('name="settlement"') <= 20
    assert 'name="settlement"' not in html(client.get(reverse("children:settlements"), {"q": "x"}))


# --- The child's record ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ivanova", "petrov", "nikolova"])
def test_child_page_for_the_team(client, world, name):
    client.force_login(getattr(world, name))
    response = client.get(reverse("children:detail", args=[world.child.pk]))
    assert response.status_code == 200
    assert world.case.number in html(response)


@pytest.mark.parametrize("name", OUTSIDERS)
def test_child_page_is_404_for_outsiders(client, world, name):
    client.force_login(getattr(world, name))
    for url in (
        reverse("children:detail", args=[world.child.pk]),
        reverse("children:edit", args=[world.child.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("children:relative_add", args=[world.child.pk]), {}).status_code == 404
    assert client.post(reverse("children:edit", args=[world.child.pk]), {}).status_code == 404


def test_egn_masked_on_child_page_below_sensitive(client, world):
    client.force_login(world.petrov)
    page = html(client.get(reverse("children:detail", args=[world.child.pk])))
    assert world.child.egn not in page and "******" + world.child.egn[-4:] in page


def test_add_relative_plain_and_htmx(client, world):
    client.force_login(world.petrov)
    url = reverse("children:relative_add", args=[world.child.pk])
    response = client.post(
        url, {"full_name": "Иван Стефанов", "relationship": "father", "has_parental_rights": "on"}
    )
    assert response.status_code == 302
    response = client.post(
        url, {"full_name": "Анна Стефанова", "relationship": "mother"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page and "Иван Стефанов" in page and "Анна Стефанова" in page
    assert AuditEvent.objects.filter(action="relative.add", actor_id=world.petrov.pk).count() == 2
    bad = client.post(url, {"full_name": "", "relationship": "mother"}, HTTP_HX_REQUEST="true")
    assert "errorlist" in html(bad)


def test_emergency_access_cannot_add_relatives_or_edit(client, world):
    break_glass_open(
        ctx=ctx_for(world.georgieva), case=world.case, reason="Детето е в участъка, търсим родителите."
    )
    client.force_login(world.georgieva)
    assert client.get(reverse("children:detail", args=[world.child.pk])).status_code == 200
    url = reverse("children:relative_add", args=[world.child.pk])
    assert client.post(url, {"full_name": "X", "relationship": "mother"}).status_code == 403
    assert client.get(reverse("children:edit", args=[world.child.pk])).status_code == 403


def _edit_data(child, **extra):
    data = {
        "first_name": child.first_name,
        "middle_name": child.middle_name,
        "last_name": child.last_name,
        "birth_date": child.birth_date.isoformat(),
        "sex": child.sex,
        "egn": child.egn or "",
        "lnch": child.lnch or "",
        "settlement": child.settlement_id or "",
        "address": child.address,
        "version": child.version,
    }
    data.update(extra)
    return data


def test_edit_child(client, world):
    client.force_login(world.ivanova)
    url = reverse("children:edit", args=[world.child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_data(world.child, address="ул. Оборище 3"))
    assert response.status_code == 302
    world.child.refresh_from_db()
    assert world.child.address == "ул. Оборище 3" and world.child.version == 2
    assert AuditEvent.objects.filter(action="child.update", actor_id=world.ivanova.pk).exists()


def test_member_below_sensitive_cannot_touch_the_egn(client, world):
    client.force_login(world.petrov)
    url = reverse("children:edit", args=[world.child.pk])
    page = html(client.get(url))
    assert 'name="egn"' not in page
    response = client.post(url, _edit_data(world.child, egn="", address="нов"))
    assert response.status_code == 302
    world.child.refresh_from_db()
    assert world.child.egn and world.child.address == "нов"


def test_stale_child_edit_shows_each_changed_field(client, world):
    stale = _edit_data(world.child, address="Моят адрес", first_name="Георгий")
    child_update(
        ctx=ctx_for(world.petrov),
        child=world.child,
        expected_version=world.child.version,
        address="Техният адрес",
    )
    client.force_login(world.ivanova)
    response = client.post(reverse("children:edit", args=[world.child.pk]), stale)
    assert response.status_code == 409
    page = html(response)
    assert "НЕ бяха запазени" in page
    assert "Моят адрес" in page and "Техният адрес" in page
    assert "Георгий" in page
    world.child.refresh_from_db()
    assert world.child.address == "Техният адрес" and world.child.first_name == "Георги"
