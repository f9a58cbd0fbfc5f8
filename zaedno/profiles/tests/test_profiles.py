"""Difficult-case profiles: the flag follows its criteria (indicators, assessment, signals — facts
about the child, never the team: see test_criteria_facts.py), the history says when and why, the criteria file is validated with clear errors, the refresh
command recomputes every case, pages are need-to-know.

The world's case comes from a signal of violence (criterion "violence" met from the start) with
ОЗД (social) and a school (education) in the team; the shipped threshold is 3 criteria.
"""

from __future__ import annotations

import textwrap

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zaedno.assessments import services as assessment_services
from zaedno.assessments.services import EntryData
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity, TeamMember, TimelineEntry
from zaedno.cases.services import team_member_add, team_member_remove
from zaedno.core.testing import ctx_for
from zaedno.profiles.criteria import DEFAULT_PATH, CriteriaError, load_criteria, parse_criteria
from zaedno.profiles.models import CaseProfile, Indicator, IndicatorKind, ProfileChange
from zaedno.profiles.queries import case_is_difficult
from zaedno.profiles.rules import moves_in_last_12_months
from zaedno.profiles.services import indicator_record, indicator_withdraw

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


def acc(w, user):
    return access_for(user, w.case)


def profile(w) -> CaseProfile:
    return CaseProfile.objects.get(case=w.case)


def add(w, user, org, level=Sensitivity.STANDARD):
    return team_member_add(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), user=user, organisation=org, sharing_level=level
    )


def test_case_opening_computes_the_profile(world):
    p = profile(world)
    assert p.criteria_met == ["violence"] and not p.flagged
    assert p.details["violence"]["facts"] == ["signal:violence"]
    change = ProfileChange.objects.get(case=world.case)
    assert change.trigger == "case_opened" and change.added == ["violence"]
    assert not case_is_difficult(world.case)
    assert moves_in_last_12_months(world.case) == 0


def test_flag_follows_indicators_and_assessment(world):
    w = world
    # An NGO joins: who is in the team is not a fact about the child, nothing changes.
    koleva = add(w, w.koleva, w.ngo)
    assert profile(w).criteria_met == ["violence"] and not profile(w).flagged
    # The team records a refusal of help and a conflict with the law: 3 criteria, a difficult case.
    indicator_record(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), kind=IndicatorKind.CONFLICT_WITH_LAW,
        note="Преписка в МКБППМН за кражба.",
    )  # fmt: skip
    ind = indicator_record(
        ctx=ctx_for(w.petrov), access=acc(w, w.petrov), kind=IndicatorKind.REFUSAL_OF_HELP,
        note="Майката не допуска социалния работник от 3 седмици.",
    )  # fmt: skip
    p = profile(w)
    assert p.flagged and p.flagged_since is not None and case_is_difficult(w.case)
    last = ProfileChange.objects.filter(case=w.case).first()
    assert last.trigger == "indicator_recorded" and last.flag_changed and last.flagged
    assert last.added == ["refusal_of_help"] and last.actor == w.petrov
    assert TimelineEntry.objects.filter(
        case=w.case, message__startswith="Marked as a difficult case"
    ).exists()
    # Withdrawn: off again, with history.
    indicator_withdraw(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), indicator=ind, note="Семейството вече сътрудничи."
    )
    assert not profile(w).flagged and not case_is_difficult(w.case)
    last = ProfileChange.objects.filter(case=w.case).first()
    assert last.trigger == "indicator_withdrawn" and last.removed == ["refusal_of_help"] and not last.flagged
    # An assessment with significant needs in 3 domains, needs seen by 3 sectors: on again.
    a = assessment_services.assessment_start(ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova))
    assessment_services.contribution_save(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a,
        entries=[EntryData("basic_care", level="significant"), EntryData("housing", level="significant")],
    )  # fmt: skip
    assessment_services.contribution_save(
        ctx=ctx_for(w.petrov), access=acc(w, w.petrov), assessment=a,
        entries=[EntryData("education", level="significant"), EntryData("emotional", level="some")],
    )  # fmt: skip
    assessment_services.contribution_save(
        ctx=ctx_for(w.koleva), access=acc(w, w.koleva), assessment=a,
        entries=[EntryData("emotional", level="some")],
    )  # fmt: skip
    assert not profile(w).flagged  # a draft does not count
    a.refresh_from_db()
    assessment_services.assessment_complete(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a, expected_version=a.version
    )
    p = profile(w)
    assert p.flagged and {"needs_in_several_domains", "several_agencies"} <= set(p.criteria_met)
    assert set(p.details["needs_in_several_domains"]["facts"]) == {
        "domain:basic_care",
        "domain:housing",
        "domain:education",
    }
    assert p.details["several_agencies"]["facts"] == ["sector:social", "sector:education", "sector:ngo"]
    assert ProfileChange.objects.filter(case=w.case).first().trigger == "assessment_completed"
    # The NGO leaves: its recorded needs stay in the assessment, the profile does not change.
    team_member_remove(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), member=koleva, reason="Проектът приключи"
    )
    assert profile(w).criteria_met == p.criteria_met and profile(w).flagged
    history = list(
        ProfileChange.objects.filter(case=w.case).order_by("at", "id").values_list("trigger", "flagged")
    )
    assert [flag for _t, flag in history] == [False, False, True, False, True]
    assert history[-1][0] == "assessment_completed"


def test_indicator_rules(world):
    w = world
    with pytest.raises(ValidationError):
        indicator_record(ctx=ctx_for(w.petrov), access=acc(w, w.petrov), kind="refusal_of_help", note="  ")
    with pytest.raises(ValidationError):
        indicator_record(ctx=ctx_for(w.petrov), access=acc(w, w.petrov), kind="unknown", note="Бележка")
    indicator_record(
        ctx=ctx_for(w.petrov), access=acc(w, w.petrov), kind="conflict_with_law", note="Кражба ТАЙНО-ДПС"
    )
    with pytest.raises(ValidationError):
        indicator_record(
            ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), kind="conflict_with_law", note="Отново"
        )
    assert Indicator.objects.get(case=w.case).sensitivity == Sensitivity.SENSITIVE


def test_criteria_file_is_valid_and_documented():
    c = load_criteria()
    assert c.threshold == 3 and len(c.criteria) == 6
    assert {x.code for x in c.criteria} >= {"needs_in_several_domains", "several_agencies", "refusal_of_help",
                                           "violence", "moves_between_services", "conflict_with_law"}  # fmt: skip
    assert all(x.label["bg"] and x.label["en"] and x.description["bg"] for x in c.criteria)


BAD = textwrap.dedent(
    """
    version: 2
    date: 2026-06-01
    threshold: 9
    criteria:
      - code: needs
        rule: significant_needs
        params: {min_domains: 0}
        label: {bg: Потребности}
        description: {bg: Описание, en: Description}
      - code: refusal
        rule: indicator
        params: {indicators: [refusal_of_help, laziness]}
        label: {bg: Отказ, en: Refusal}
        description: {bg: Описание, en: Description}
      - code: magic
        rule: astrology
        label: {bg: Магия, en: Magic}
        description: {bg: Описание, en: Description}
      - code: refusal
        rule: needs_by_sectors
        params: {min_sectors: 2, colour: red}
        label: {bg: Отказ, en: Refusal}
        description: {bg: Описание, en: Description}
    """
)


def test_yaml_validation_names_the_criterion_and_the_field():
    with pytest.raises(CriteriaError) as e:
        parse_criteria(BAD, "bad.yaml")
    text = "\n".join(e.value.errors)
    assert "criterion “needs”: field “params.min_domains”" in text
    assert "criterion “needs”: field “label”.en: missing or empty" in text
    assert "criterion “refusal”: field “params.indicators”: unknown value(s) laziness" in text
    assert "criterion “magic”: field “rule”: unknown rule 'astrology'" in text
    assert "criterion “refusal”: field “params.colour”: not a parameter of the rule needs_by_sectors" in text
    assert "field “threshold”: 9 is more than the 4 criteria" in text
    for broken, expected in [
        ("version: 1\ncriteria: []\nthreshold: 1", "field “date”"),
        ("date: 2026-01-01\nthreshold: 1\ncriteria: [{code: a}]", "field “version”"),
        ("a: [b", "not valid YAML"),
        ("- 1", "must be a mapping"),
    ]:
        with pytest.raises(CriteriaError) as e:
            parse_criteria(broken, "x.yaml")
        assert expected in "\n".join(e.value.errors)


def test_check_command(tmp_path, capsys):
    call_command("profiles", "check")
    assert "OK criteria.yaml" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("profiles", "check", str(bad))
    assert "criterion “magic”" in capsys.readouterr().err


def test_refresh_command_applies_a_revised_criteria_file(world, tmp_path, settings, capsys):
    w = world
    revised = (
        DEFAULT_PATH.read_text(encoding="utf-8")
        .replace("threshold: 3", "threshold: 1")
        .replace("version: 3", "version: 4")
    )
    path = tmp_path / "criteria.yaml"
    path.write_text(revised, encoding="utf-8")
    settings.ZAEDNO_PROFILE_CRITERIA = str(path)
    call_command("profiles", "refresh")
    assert "1 changed" in capsys.readouterr().out
    p = profile(w)
    assert p.flagged and p.criteria_version == "4"
    last = ProfileChange.objects.filter(case=w.case).first()
    assert last.trigger == "criteria_refresh" and last.flag_changed and last.actor is None
    call_command("profiles_refresh")  # the same, nothing changes now
    assert "0 changed" in capsys.readouterr().out


# --- pages ---------------------------------------------------------------------------------------------


def test_profile_page_shows_criteria_why_history_and_indicator_forms(world, client):
    w = world
    indicator_record(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), kind="conflict_with_law", note="Преписка в МКБППМН."
    )
    client.force_login(w.petrov)
    r = client.post(
        reverse("profiles:indicator_add", args=[w.case.pk]),
        {"kind": "refusal_of_help", "note": "Семейството отказва среща."},
    )
    assert r.status_code == 302
    page = client.get(reverse("profiles:case", args=[w.case.pk])).content.decode()
    assert "difficult-badge" in page and "Семейството отказва среща." in page
    assert "criterion-met" in page and "criterion-not-met" in page
    ind = Indicator.objects.get(case=w.case, kind="refusal_of_help")
    r = client.post(reverse("profiles:indicator_withdraw", args=[w.case.pk, ind.pk]), {"note": "Вече идват."})
    assert r.status_code == 302 and not profile(w).flagged
    # Case page panel.
    detail = client.get(reverse("cases:detail", args=[w.case.pk])).content.decode()
    assert reverse("profiles:case", args=[w.case.pk]) in detail


def test_sensitive_indicator_note_hidden_below_sensitive_level(world, client):
    w = world
    indicator_record(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), kind="violence_suspected", note="ТАЙНО-СИНИНИ"
    )
    client.force_login(w.petrov)
    page = client.get(reverse("profiles:case", args=[w.case.pk])).content.decode()
    assert "ТАЙНО-СИНИНИ" not in page and "restricted" in page
    client.force_login(w.ivanova)
    assert "ТАЙНО-СИНИНИ" in client.get(reverse("profiles:case", args=[w.case.pk])).content.decode()


def test_criteria_page_for_every_professional(world, client):
    client.force_login(world.angelova)
    page = client.get(reverse("profiles:criteria")).content.decode()
    assert "moves_between_services" in page and "3" in page
    client.logout()
    assert client.get(reverse("profiles:criteria")).status_code == 302


def test_profile_page_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    w = world
    for kind in ("refusal_of_help", "running_away", "school_absence"):
        ind = indicator_record(ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), kind=kind, note="Бележка")
        indicator_withdraw(ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), indicator=ind, note="Отпадна")
    client.force_login(w.ivanova)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("profiles:case", args=[w.case.pk])).status_code == 200


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404(world, client, name):
    w = world
    ind = indicator_record(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), kind="refusal_of_help", note="Бележка"
    )
    client.force_login(getattr(w, name))
    assert client.get(reverse("profiles:case", args=[w.case.pk])).status_code == 404
    assert client.get(reverse("profiles:case", args=[999999])).status_code == 404
    r = client.post(
        reverse("profiles:indicator_add", args=[w.case.pk]), {"kind": "running_away", "note": "x"}
    )
    assert r.status_code == 404
    r = client.post(reverse("profiles:indicator_withdraw", args=[w.case.pk, ind.pk]), {"note": "x"})
    assert r.status_code == 404
    assert Indicator.objects.filter(case=w.case, withdrawn_at__isnull=True).count() == 1


def test_emergency_access_cannot_record(world):
    from zaedno.cases.services import break_glass_open

    w = world
    break_glass_open(
        ctx=ctx_for(w.georgieva), case=w.case, reason="Спешна проверка през нощта на адреса на детето"
    )
    with pytest.raises(PermissionDenied):
        indicator_record(
            ctx=ctx_for(w.georgieva), access=acc(w, w.georgieva), kind="conflict_with_law", note="x"
        )
    assert TeamMember.objects.filter(case=w.case, user=w.georgieva).count() == 0
