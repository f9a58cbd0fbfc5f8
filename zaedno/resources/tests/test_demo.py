"""The synthetic resource map of Veliko Tarnovo oblast: every municipality, idempotent, valid."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zaedno.places.models import Municipality
from zaedno.resources.demo import ENTRIES, seed_resources
from zaedno.resources.models import Service
from zaedno.resources.services import service_problems, stale_before

pytestmark = pytest.mark.django_db


def test_seed_covers_the_oblast_and_is_idempotent():
    created = seed_resources(now=timezone.now())
    assert created == len(ENTRIES) and 60 <= created <= 100
    assert seed_resources(now=timezone.now()) == 0
    services = Service.objects.select_related("settlement__municipality", "organisation")
    municipalities = {s.settlement.municipality_id for s in services}
    assert municipalities == set(Municipality.objects.filter(oblast_id="VTR").values_list("code", flat=True))
    assert {s.sector for s in services} >= {
        "social",
        "health",
        "education",
        "police",
        "municipality",
        "community",
    }
    assert {"cop", "csri", "cnst", "crisis_centre", "day_centre", "foster_care", "dps", "mkbppmn", "church",
            "mentor", "club", "youth_centre", "chitalishte", "school", "gp", "hospital"} <= {s.type for s in services}  # fmt: skip
    stale = [s for s in services if s.last_confirmed_on < stale_before()]
    assert 5 <= len(stale) <= 25
    assert any("ромски" in s.languages for s in services) and any("турски" in s.languages for s in services)
    for s in services:
        assert s.email.endswith("@example.org") and " 555 " in s.phone
        assert s.latitude is not None and s.search_key
        values = {f: getattr(s, f) for f in ("age_min", "age_max", "capacity", "free_places", "latitude", "longitude", "type", "sector")}  # fmt: skip
        assert service_problems(values) == {}, s.name


def test_seed_reuses_the_demo_organisations(bare_world):
    """The world's ЦОП is named differently; the demo's is reused by name and municipality."""
    from zaedno.organisations.models import Organisation, OrganisationKind
    from zaedno.organisations.services import organisation_create

    cop = organisation_create(
        name="Център за обществена подкрепа Велико Търново", short_name="ЦОП Велико Търново",
        kind=OrganisationKind.COP, municipality=bare_world.vt,
    )  # fmt: skip
    seed_resources(now=timezone.now())
    assert Organisation.objects.filter(name=cop.name).count() == 1
    assert Service.objects.filter(organisation=cop).count() >= 2


def test_command(capsys):
    from django.core.management import call_command

    call_command("resources_seed")
    assert "entries added" in capsys.readouterr().out
