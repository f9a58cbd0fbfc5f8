"""A difficult-case criterion is a fact about the child, never about who is in the team.

Issue 12, item 3: "conflict with the law" was met because a police inspector joined the team, and
a child victim was labelled as in conflict with the law. Every criterion must come from what was
recorded about the child — a signal's category, the shared assessment, the indicators the team
recorded with a note, the child's service and school history — and the profile page must not
say that moves are not recorded in Zaedno, under the moves it counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from zaedno.assessments import services as assessment_services
from zaedno.assessments.services import EntryData
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.cases.services import team_member_add
from zaedno.children.identifiers import make_egn
from zaedno.children.services import child_register
from zaedno.core.testing import ctx_for, open_case
from zaedno.profiles import criteria as criteria_module
from zaedno.profiles.criteria import CriteriaError, load_criteria, parse_criteria
from zaedno.profiles.models import CaseProfile, IndicatorKind
from zaedno.profiles.queries import explain
from zaedno.profiles.services import indicator_record

pytestmark = pytest.mark.django_db

ZAEDNO = Path(__file__).resolve().parents[2]


def profile(case) -> CaseProfile:
    return CaseProfile.objects.get(case=case)


def add(w, user, org, level=Sensitivity.STANDARD):
    return team_member_add(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), user=user, organisation=org,
        sharing_level=level,
    )  # fmt: skip


def test_a_police_inspector_in_the_team_does_not_put_the_child_in_conflict_with_the_law(world):
    w = world
    add(w, w.georgieva, w.dps)
    p = profile(w.case)
    assert "conflict_with_law" not in p.criteria_met
    assert not p.details["conflict_with_law"]["met"]
    assert not any(f.startswith("sector:") for r in p.details.values() for f in r["facts"])


def test_who_is_in_the_team_changes_no_criterion(world):
    """Professionals of every sector join a child victim's team: the profile stays as it was."""
    w = world
    before = profile(w.case)
    for user, org in [
        (w.georgieva, w.dps), (w.dimitrova, w.hospital), (w.stoyanov, w.cop), (w.koleva, w.ngo),
        (w.todorov, w.municipality_org),
    ]:  # fmt: skip
        add(w, user, org)
    after = profile(w.case)
    assert after.criteria_met == before.criteria_met == ["violence"]
    assert after.details == before.details and not after.flagged


def test_every_criterion_reads_a_recorded_fact_about_the_child():
    """Each rule names where its fact is recorded; none reads the team."""
    recorded = {"assessment", "signal", "indicator", "episodes"}
    assert set(criteria_module.RULE_SOURCES) == set(criteria_module.RULES)
    for rule, sources in criteria_module.RULE_SOURCES.items():
        assert sources and set(sources) <= recorded, rule
    for c in load_criteria().criteria:
        assert set(criteria_module.RULE_SOURCES[c.rule]) <= recorded, c.code
    assert "sectors" not in criteria_module.VOCABULARIES  # no parameter names a sector of the team


@pytest.mark.parametrize(
    ("rule", "params"),
    [("team_sectors", "{min_sectors: 3}"), ("indicator_or_team_sector", "{indicators: [conflict_with_law], sectors: [police]}")],
)  # fmt: skip
def test_a_criteria_file_that_reads_the_team_is_refused_with_the_reason(rule, params):
    text = (
        "version: 9\ndate: 2026-12-04\nthreshold: 1\ncriteria:\n"
        f"  - code: team\n    rule: {rule}\n    params: {params}\n"
        "    label: {bg: Екип, en: Team}\n    description: {bg: Описание, en: Description}\n"
    )
    with pytest.raises(CriteriaError) as e:
        parse_criteria(text, "old.yaml")
    text = "\n".join(e.value.errors)
    assert f"criterion “team”: field “rule”: {rule}" in text and "who is in the team" in text


def test_conflict_with_the_law_from_the_team_s_indicator_or_a_signal_of_antisocial_behaviour(world):
    w = world
    indicator_record(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), kind=IndicatorKind.CONFLICT_WITH_LAW,
        note="Преписка в МКБППМН за кражба.",
    )  # fmt: skip
    p = profile(w.case)
    assert "conflict_with_law" in p.criteria_met
    assert p.details["conflict_with_law"]["facts"] == ["indicator:conflict_with_law"]
    # Another child: a signal of antisocial behaviour (противообществена проява) is a recorded fact.
    birth = dt.date(2011, 5, 2)
    child = child_register(
        ctx=ctx_for(w.ivanova), first_name="Иван", middle_name="Петров", last_name="Колев", birth_date=birth,
        sex="m", egn=make_egn(birth, "m", 23),
    )  # fmt: skip
    case = open_case(w, child, category="antisocial", description="Счупени прозорци на училището.")
    p = profile(case)
    assert "conflict_with_law" in p.criteria_met and "violence" not in p.criteria_met
    assert p.details["conflict_with_law"]["facts"] == ["signal:antisocial"]


def test_several_agencies_counts_the_sectors_that_recorded_a_need_of_the_child(world):
    w = world
    add(w, w.georgieva, w.dps, Sensitivity.SENSITIVE)
    add(w, w.koleva, w.ngo)
    a = assessment_services.assessment_start(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case))
    for user, level in [(w.ivanova, "significant"), (w.petrov, "some"), (w.georgieva, "none")]:
        assessment_services.contribution_save(
            ctx=ctx_for(user), access=access_for(user, w.case), assessment=a,
            entries=[EntryData("education", strengths="Идва на училище.", level=level)],
        )  # fmt: skip
    a.refresh_from_db()
    assessment_services.assessment_complete(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), assessment=a, expected_version=a.version
    )
    p = profile(w.case)
    # Four sectors in the team, but only two recorded a need: not several agencies.
    assert "several_agencies" not in p.criteria_met
    assert p.details["several_agencies"]["facts"] == ["sector:social", "sector:education"]
    # The next assessment (it starts from the last one): the NGO sees a need as well: three sectors.
    a2 = assessment_services.assessment_start(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case))
    assessment_services.contribution_save(
        ctx=ctx_for(w.koleva), access=access_for(w.koleva, w.case), assessment=a2,
        entries=[EntryData("education", level="some")],
    )  # fmt: skip
    a2.refresh_from_db()
    assessment_services.assessment_complete(
        ctx=ctx_for(w.ivanova),
        access=access_for(w.ivanova, w.case),
        assessment=a2,
        expected_version=a2.version,
    )
    p = profile(w.case)
    assert "several_agencies" in p.criteria_met
    assert p.details["several_agencies"]["facts"] == ["sector:social", "sector:education", "sector:ngo"]


STALE = ("not recorded in Zaedno", "not yet recorded in Zaedno", "in Zaedno yet", "не се въвеждат в „Заедно“")


def test_no_page_says_moves_are_not_recorded_in_zaedno(world, client):
    c = {x.code: x for x in load_criteria().criteria}["moves_between_services"]
    assert "Zaedno" not in explain(c, {"met": False, "value": 1, "facts": []})
    client.force_login(world.ivanova)
    page = client.get(reverse("profiles:case", args=[world.case.pk])).content.decode()
    assert "смени на услуги или училища" in page
    assert not any(s in page for s in STALE)
    # Nor any template or message of the code (moves are recorded since the episodes app).
    for path in list(ZAEDNO.rglob("*.html")) + list(ZAEDNO.rglob("*.py")):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not any(s in text for s in STALE), path
