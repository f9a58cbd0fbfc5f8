"""Checking definition files: every shipped file validates; each kind of mistake is named by line."""

from __future__ import annotations

import pytest

from zaedno.protocols.queries import shipped_files
from zaedno.protocols.tests.samples import VALID, replace
from zaedno.protocols.validation import check_text, step_count


def errors(text: str) -> list[str]:
    return [str(e) for e in check_text(text, "p.yaml").errors]


def test_shipped_files_are_the_three_protocols():
    assert [p.stem for p in shipped_files()] == [
        "coordination_mechanism",
        "multisector",
        "social_service_support",
    ]


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: p.stem)
def test_every_shipped_file_validates(path):
    checked = check_text(path.read_text(encoding="utf-8"), path.name)
    assert checked.errors == []
    assert checked.definition["code"] == path.stem
    assert step_count(checked.definition) >= 2


def test_the_coordination_mechanism_keeps_its_statutory_hours():
    path = next(p for p in shipped_files() if p.stem == "coordination_mechanism")
    body = check_text(path.read_text(encoding="utf-8")).definition
    steps = {s["code"]: s for stage in body["stages"] for s in stage["steps"]}
    assert body["applies_when"] == {"signal_category": ["violence"]}
    assert steps["institutions_informed"]["deadline"] == {"hours": 1}
    assert steps["signal_checked"]["deadline"] == {"hours": 24}
    assert steps["mdt_meeting"]["deadline"] == {"hours": 24}
    assert steps["crisis_intervention"]["optional"] is True


def test_social_services_plan_within_20_days_of_the_service_starting():
    path = next(p for p in shipped_files() if p.stem == "social_service_support")
    body = check_text(path.read_text(encoding="utf-8")).definition
    steps = [s for stage in body["stages"] for s in stage["steps"]]
    assert {(s["starts_on"], s["owner"], s["deadline"]["days"]) for s in steps} == {
        ("service_started", "service_provider", 20)
    }


def test_the_sample_is_valid():
    checked = check_text(VALID, "p.yaml")
    assert checked.ok, checked.errors
    assert step_count(checked.definition) == 3


def test_yaml_syntax_error_reports_its_line():
    text = replace("        owner: case_lead\n", "        owner: [case_lead\n")
    assert errors(text) == [
        "p.yaml:20: not valid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts on line 19)"
    ]
    text = replace("    title: {bg: Втори, en: Second}\n", "    title: {bg: Втори, en: Second}\n  bad: : :\n")
    (error,) = errors(text)
    assert error.startswith("p.yaml:25: not valid YAML")


def test_missing_field():
    assert errors(replace("        owner: ozd\n", "")) == [
        "p.yaml:11: stages[0].steps[0]: required field 'owner' is missing"
    ]
    assert errors(replace("version: 1\n", "")) == ["p.yaml:1: required field 'version' is missing"]


def test_wrong_type():
    assert errors(replace("version: 1\n", "version: one\n")) == [
        "p.yaml:2: version: expected a whole number, got text 'one'"
    ]
    assert errors(replace("        optional: true\n", "        optional: maybe\n")) == [
        "p.yaml:32: stages[1].steps[0].optional: expected true or false, got text 'maybe'"
    ]


def test_unknown_field_points_at_its_key():
    assert errors(replace("        optional: true\n", "        optional: true\n        colour: red\n")) == [
        "p.yaml:33: stages[1].steps[0].colour: unknown field 'colour' (allowed: applies_when, code, "
        "completed_by, deadline, ends_on, notes, optional, owner, repeat, starts_on, title)"
    ]


def test_unknown_owner():
    assert errors(replace("        owner: case_lead\n", "        owner: janitor\n")) == [
        "p.yaml:19: stages[0].steps[1].owner: 'janitor' is not one of case_lead, signal_recipient, ozd, "
        "dazd, school, police, health, service_provider, municipality, child_commission, mkbppmn, team"
    ]


def test_unknown_artefact_and_kind():
    (error,) = errors(replace("completed_by: signal_checked\n", "completed_by: coffee_drunk\n"))
    assert error.startswith(
        "p.yaml:16: stages[0].steps[0].completed_by: 'coffee_drunk' is not one of signal_checked,"
    )
    (error,) = errors(replace("meeting_held[case_conference]", "meeting_held[party]"))
    assert error.startswith(
        "p.yaml:22: stages[0].steps[1].completed_by: 'party' is not a kind of meeting_held"
    )


def test_unknown_event():
    (error,) = errors(replace("starts_on: signal_received\n", "starts_on: full_moon\n"))
    assert error.startswith(
        "p.yaml:14: stages[0].steps[0].starts_on: 'full_moon' is not one of signal_received,"
    )
    assert error.endswith("or step_done:<step code>")


def test_duplicate_step_code():
    assert errors(replace("      - code: planned\n", "      - code: checked\n")) == [
        "p.yaml:26: stages[1].steps[0].code: step code 'checked' is already used by stages[0].steps[0]"
    ]


def test_duplicate_yaml_key():
    assert errors(replace("version: 1\n", "version: 1\nversion: 2\n")) == [
        "p.yaml:3: field 'version' is given twice"
    ]


def test_step_done_to_unknown_step():
    assert errors(replace("step_done:met", "step_done:mett")) == [
        "p.yaml:29: stages[1].steps[0].starts_on: 'step_done:mett' refers to step 'mett', "
        "which this protocol does not have"
    ]


def test_cycle():
    text = replace("starts_on: signal_received\n", "starts_on: step_done:planned\n")
    assert errors(text) == [
        "p.yaml:14: stages[0].steps[0].starts_on: steps wait for each other in a circle, so none can "
        "ever start: checked → met → planned → checked"
    ]
    (error,) = errors(replace("step_done:checked", "step_done:met"))
    assert "a step cannot start when it is itself done" in error


def test_bad_deadline_unit():
    assert errors(replace("deadline: {days: 20}", "deadline: {dayz: 20}")) == [
        "p.yaml:30: stages[1].steps[0].deadline.dayz: 'dayz' is not one of hours, days, working_days"
    ]


def test_deadline_with_two_units_or_zero():
    assert errors(replace("deadline: {days: 20}", "deadline: {days: 20, hours: 1}")) == [
        "p.yaml:30: stages[1].steps[0].deadline: give exactly one of hours, days, working_days"
    ]
    assert errors(replace("deadline: {days: 20}", "deadline: {days: 0}")) == [
        "p.yaml:30: stages[1].steps[0].deadline.days: must be at least 1, got 0"
    ]


def test_unknown_condition_value():
    assert errors(replace("[violence]", "[violance]")) == [
        "p.yaml:6: applies_when.signal_category[0]: 'violance' is not one of violence, neglect, disability, "
        "antisocial, dropout, parental_conflict, minor_pregnancy, other"
    ]


def test_not_a_mapping_and_empty():
    assert errors("- a\n- b\n") == ["p.yaml:1: the file must be a mapping of fields (code, version, …)"]
    assert errors("") == ["p.yaml: the file must be a mapping of fields (code, version, …)"]


def test_yaml_tags_are_not_executed():
    (error,) = errors("!!python/object/apply:os.system ['true']\n")
    assert "not valid YAML" in error


def test_a_municipality_version_names_valid_codes_and_cannot_replace_itself():
    bad = replace("  signal_category: [violence]\n", "  municipality: [Veliko]\n")
    assert errors(bad) == [
        "p.yaml:6: applies_when.municipality[0]: 'Veliko' is not an EKATTE municipality code "
        "(three capital letters and two digits, e.g. VTR04)",
    ]
    itself = replace("  signal_category: [violence]\n", "  municipality: [VTR04]\nreplaces: sample\n")
    assert errors(itself) == [
        "p.yaml:7: replaces: a protocol cannot replace itself; name the shipped protocol it adapts"
    ]
    ok = replace("  signal_category: [violence]\n", "  municipality: [VTR04]\nreplaces: multisector\n")
    assert errors(ok) == []
