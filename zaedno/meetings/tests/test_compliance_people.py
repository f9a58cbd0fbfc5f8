"""An organisation's compliance counts its own people's decisions (issue 12, item 7).

The compliance table of a ЦОП showed 0 overdue while its psychologist's decision was overdue: only
decisions assigned to the organisation itself were counted. A decision whose responsible
professional is in the team for an organisation is that organisation's decision too, so that the
responsible person's manager sees it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zaedno.accounts.models import Profession, Role
from zaedno.accounts.services import user_create
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.cases.services import team_member_add
from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.meetings import services
from zaedno.meetings.models import ResponsibleKind
from zaedno.meetings.panels import compliance_panel
from zaedno.meetings.tests.conftest import local

pytestmark = pytest.mark.django_db

# on track, overdue, done on time, done late, not done, superseded
OVERDUE_ONLY = [0, 1, 0, 0, 0, 0]


def _cop_psychologist_owes_an_overdue_decision(world, schedule, clock):
    team_member_add(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), user=world.stoyanov,
        organisation=world.cop, sharing_level=Sensitivity.STANDARD,
    )  # fmt: skip
    meeting = schedule(starts_at=local(2026, 5, 20, 9, 0), members=[world.petrov, world.stoyanov])
    services.decision_record(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), meeting=meeting,
        text="Психологът на ЦОП започва консултации с Георги", responsible_kind=ResponsibleKind.PROFESSIONAL,
        responsible_user=world.stoyanov, due_on=dt.date(2026, 5, 25),
    )  # fmt: skip
    clock.set(2026, 6, 1, 9, 0)


def test_a_decision_of_the_organisation_s_professional_counts_for_the_organisation(world, schedule, clock):
    _cop_psychologist_owes_an_overdue_decision(world, schedule, clock)
    panel = compliance_panel(world.stoyanov, {world.cop.pk: world.cop}, {}, clock.at)
    assert panel is not None
    assert panel["owned"] == [{"name": str(world.cop), "cells": OVERDUE_ONLY, "total": 1}]
    # Not the school's, whose psychologist is in the same team.
    panel = compliance_panel(world.petrov, {world.school.pk: world.school}, {}, clock.at)
    assert panel is None or panel["owned"] == []


def test_the_organisation_s_own_and_its_people_s_decisions_in_one_row(world, schedule, clock):
    _cop_psychologist_owes_an_overdue_decision(world, schedule, clock)
    meeting = schedule(starts_at=local(2026, 6, 1, 10, 0))
    services.decision_record(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), meeting=meeting,
        text="ЦОП предлага група за родители", responsible_kind=ResponsibleKind.ORGANISATION,
        responsible_organisation=world.cop, due_on=dt.date(2026, 7, 1),
    )  # fmt: skip
    orgs = {o.pk: o for o in (world.ozd, world.cop, world.school)}
    panel = compliance_panel(world.nikolova, orgs, {}, clock.at)
    assert panel["owned"] == [{"name": str(world.cop), "cells": [1, 1, 0, 0, 0, 0], "total": 2}]
    assert panel["led"] == [{"name": str(world.ozd), "cells": [1, 1, 0, 0, 0, 0], "total": 2}]


def test_the_manager_of_the_responsible_person_sees_it_on_the_compliance_page(world, schedule, clock, client):
    _cop_psychologist_owes_an_overdue_decision(world, schedule, clock)
    head = user_create(
        username="cop_head", first_name="Веска", last_name="Начева", email="cop_head@example.org",
        password=PASSWORD, profession=Profession.MANAGER, organisation=world.cop, role=Role.MANAGER,
    )  # fmt: skip
    assert client.login(username=head.username, password=PASSWORD)
    page = client.get("/compliance/").content.decode()
    section = page[page.index("decisions-compliance-title") :]
    row = f'<tr><th scope="row">{world.cop}</th>' + "".join(f'<td class="num">{n}</td>' for n in OVERDUE_ONLY)
    assert row in section
    assert "Георги" not in page  # counts, no child's data
