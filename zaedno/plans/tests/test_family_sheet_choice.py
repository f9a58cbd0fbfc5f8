"""The family information sheet is chosen, not copied (issue 12, item 9).

Nothing of the plan, the decisions or the team goes on the sheet by itself: the case lead ticks
each item after a preview; the page warns when an item names a person of the household (the
child's relatives) or the police; a member is told who chooses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.core.testing import build_world, ctx_for
from zaedno.documents.testing import pdf_text
from zaedno.plans.family_sheet import family_sheet_choice, family_sheet_choose
from zaedno.plans.models import FamilySheet
from zaedno.plans.tests.helpers import SAFETY_ACTION, SCHOOL_ACTION, household_plan

pytestmark = pytest.mark.django_db

SAFETY, SCHOOL = SAFETY_ACTION, SCHOOL_ACTION


@pytest.fixture
def world(protocols):
    return household_plan(build_world())


def _sheet(client, user, world, **kw):
    client.force_login(user)
    return client.get(reverse("documents:family_sheet", args=[world.case.pk]), **kw).content.decode()


def _preview(html: str) -> str:
    return html[html.index('id="sheet-preview"') :]


def test_nothing_of_the_plan_is_on_the_sheet_before_the_lead_chooses(client, world):
    html = _sheet(client, world.ivanova, world)
    preview = _preview(html)
    assert SCHOOL not in preview and SAFETY not in preview
    assert "Георгиева" not in preview  # nor the police inspector of the team
    pdf = pdf_text(
        client.get(reverse("documents:family_sheet_pdf", args=[world.case.pk]) + "?lang=bg").content
    )
    assert "втория баща" not in pdf and "Георгиева" not in pdf


def test_the_lead_is_warned_of_an_action_naming_the_household_or_the_police(client, world):
    choice = family_sheet_choice(access_for(world.ivanova, world.case))
    safety = next(i for i in choice.actions if i.obj.pk == world.safety_action.pk)
    assert any("Иван Петков" in w and "живее с детето" in w for w in safety.warnings), safety.warnings
    # The mother, who holds parental rights, is whom the sheet is for: no warning for her.
    school = next(i for i in choice.actions if i.obj.pk == world.school_action.pk)
    assert school.warnings == []
    assert any("Георгиева" in w for w in safety.warnings)
    inspector = next(i for i in choice.members if i.obj.pk == world.inspector.pk)
    assert inspector.warnings
    html = _sheet(client, world.ivanova, world)
    assert "Иван Петков (доведен родител), който живее с детето" in html
    assert f'name="action" value="{world.safety_action.pk}"' in html


def test_the_lead_previews_then_saves_and_only_the_chosen_go_on_the_sheet(client, world):
    client.force_login(world.ivanova)
    url = reverse("documents:family_sheet", args=[world.case.pk])
    picks = {"action": [world.school_action.pk], "member": [world.petrov_member.pk]}
    r = client.post(url, {**picks, "preview": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    preview = r.content.decode()
    assert "<html" not in preview and SCHOOL in preview and "Петър Петров" in preview
    assert not FamilySheet.objects.filter(case=world.case).exists()  # a preview saves nothing

    r = client.post(url, {**picks, "save": "1", "version": ""})
    assert r.status_code == 302
    sheet = FamilySheet.objects.get(case=world.case)
    assert list(sheet.actions.all()) == [world.school_action]
    assert AuditEvent.objects.filter(action="plan.family_sheet.choose", case_id=world.case.pk).exists()
    preview = _preview(_sheet(client, world.ivanova, world))
    assert SCHOOL in preview and SAFETY not in preview
    assert "Петър Петров" in preview and "Георгиева" not in preview
    pdf = pdf_text(
        client.get(reverse("documents:family_sheet_pdf", args=[world.case.pk]) + "?lang=bg").content
    )
    assert "Майката води Георги" in pdf and "втория баща" not in pdf

    # A second save with the version seen: fine; with a stale one: refused, nothing changed.
    r = client.post(url, {"save": "1", "version": str(sheet.version)})
    assert FamilySheet.objects.get(pk=sheet.pk).actions.count() == 0
    r = client.post(url, {**picks, "save": "1", "version": str(sheet.version)})
    assert FamilySheet.objects.get(pk=sheet.pk).actions.count() == 0


def test_a_member_sees_the_sheet_and_is_told_who_chooses(client, world):
    html = _sheet(client, world.petrov, world)
    assert 'id="sheet-choice"' not in html
    assert (
        "Само водещият на случая или ръководител в организацията на водещия може да избере какво да влезе "
        "в листа за семейството — Мария Иванова, Надежда Николова"
    ) in html
    r = client.post(
        reverse("documents:family_sheet", args=[world.case.pk]),
        {"action": [world.safety_action.pk], "save": "1"},
    )
    assert r.status_code == 403
    assert not FamilySheet.objects.filter(case=world.case).exists()


def test_only_candidates_of_the_case_can_be_chosen(world):
    access, ctx = access_for(world.ivanova, world.case), ctx_for(world.ivanova)
    with pytest.raises(ValidationError):
        family_sheet_choose(
            ctx=ctx, access=access, action_ids=[world.school_action.pk, 999999], decision_ids=[], member_ids=[],
            expected_version=None,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        family_sheet_choose(
            ctx=ctx_for(world.petrov), access=access_for(world.petrov, world.case), action_ids=[],
            decision_ids=[], member_ids=[], expected_version=None,
        )  # fmt: skip
