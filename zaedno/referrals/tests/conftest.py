"""Fixtures of the referrals tests: the shared world at a fixed time with services on the map, a
manager at the ЦОП, and a helper to send a referral from the case."""

from __future__ import annotations

import pytest

from zaedno.accounts.models import Profession, Role
from zaedno.accounts.services import user_create
from zaedno.cases.access import access_for
from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.core.translit import search_key
from zaedno.organisations.models import Sector
from zaedno.places.models import Settlement
from zaedno.referrals import services
from zaedno.referrals.models import LegalBasis, SharedSection, Urgency
from zaedno.resources.models import Service, ServiceType

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


def make_service(organisation, name, *, type=ServiceType.COP, sector=Sector.SOCIAL, active=True):
    return Service.objects.create(
        organisation=organisation, name=name, sector=sector, type=type,
        settlement=Settlement.objects.get(ekatte="10447"), last_confirmed_on="2026-05-01", is_active=active,
        search_key=search_key(f"{name} {organisation.short_name} {organisation.name}")[:250],
    )  # fmt: skip


@pytest.fixture
def world(clock):
    from zaedno.core.testing import build_world

    clock.set(2026, 5, 20, 11, 0)  # a Wednesday
    w = build_world()
    w.cop_service = make_service(w.cop, "ЦОП — консултиране и подкрепа на семейството")
    w.cop_manager = user_create(
        username="cop_manager", first_name="Весела", last_name="Маринова", email="cop_manager@example.org",
        password=PASSWORD, profession=Profession.MANAGER, organisation=w.cop, role=Role.MANAGER,
    )  # fmt: skip
    w.cop_colleague = user_create(
        username="cop_colleague", first_name="Ивайло", last_name="Костов", email="cop_colleague@example.org",
        password=PASSWORD, profession=Profession.SOCIAL_WORKER, organisation=w.cop,
    )  # fmt: skip
    return w


@pytest.fixture
def send(world):
    """``send(sections=[...], ...)`` → a referral of the world's case to the ЦОП, by ivanova."""

    def make(actor=None, service=None, **kw):
        actor = actor or world.ivanova
        params = {
            "reason": "Нужда от психологическа подкрепа на детето и родителите.",
            "urgency": Urgency.URGENT,
            "sections": [SharedSection.IDENTITY, SharedSection.SCHOOL],
            "legal_basis": LegalBasis.ZZD_ART11,
        } | kw
        return services.referral_send(
            ctx=ctx_for(actor),
            access=access_for(actor, world.case),
            service=service or world.cop_service,
            **params,
        )

    return make
