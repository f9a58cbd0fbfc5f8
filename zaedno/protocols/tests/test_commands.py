"""``zaedno protocol``: output and exit codes, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zaedno.protocols.models import ProtocolVersion
from zaedno.protocols.queries import shipped_files
from zaedno.protocols.tests.samples import replace


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("protocol", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_check_ok_for_every_shipped_file():
    code, out, _ = run("check", *map(str, shipped_files()))
    assert code == 0
    assert "OK: coordination_mechanism v3, 3 stages, 6 steps" in out
    assert "OK: multisector v3, 7 stages, 10 steps" in out
    assert "OK: social_service_support v1, 1 stage, 2 steps" in out


BROKEN = {
    "syntax": (
        "    title: {bg: Втори, en: Second}\n",
        "    title: {bg: Втори, en: Second\n",
        "p.yaml:25: not valid YAML: expected ',' or '}', but got ':' (while parsing a flow mapping that starts on line 24)",
    ),
    "missing": (
        "        owner: ozd\n",
        "",
        "p.yaml:11: stages[0].steps[0]: required field 'owner' is missing",
    ),
    "type": ("version: 1\n", "version: one\n", "p.yaml:2: version: expected a whole number, got text 'one'"),
    "owner": ("owner: team", "owner: anyone", "p.yaml:28: stages[1].steps[0].owner: 'anyone' is not one of"),
    "artefact": (
        "completed_by: plan_agreed[case_plan]\n",
        "completed_by: planned\n",
        "p.yaml:31: stages[1].steps[0].completed_by: 'planned' is not one of",
    ),
    "event": (
        "starts_on: signal_received",
        "starts_on: dawn",
        "p.yaml:14: stages[0].steps[0].starts_on: 'dawn' is not one of",
    ),
    "duplicate": (
        "- code: met\n",
        "- code: checked\n",
        "p.yaml:17: stages[0].steps[1].code: step code 'checked' is already used",
    ),
    "reference": (
        "step_done:met",
        "step_done:nope",
        "p.yaml:29: stages[1].steps[0].starts_on: 'step_done:nope' refers to step 'nope'",
    ),
    "cycle": (
        "starts_on: signal_received",
        "starts_on: step_done:met",
        "p.yaml:14: stages[0].steps[0].starts_on: steps wait for each other in a circle",
    ),
    "unit": (
        "{working_days: 3}",
        "{weeks: 3}",
        "p.yaml:21: stages[0].steps[1].deadline.weeks: 'weeks' is not one of hours, days, working_days",
    ),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_check_reports_each_mistake_by_line(kind, tmp_path):
    old, new, expected = BROKEN[kind]
    path = tmp_path / "p.yaml"
    path.write_text(replace(old, new), encoding="utf-8")
    code, out, err = run("check", str(path))
    assert code == 1
    assert "OK" not in out
    assert err.splitlines()[0].startswith(expected), err
    assert "Traceback" not in err


def test_check_missing_and_binary_files(tmp_path):
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\xff\xfe\x00code")
    code, _, err = run("check", str(tmp_path / "absent.yaml"), str(binary))
    assert code == 1
    assert "absent.yaml: cannot read: No such file or directory" in err
    assert "x.yaml: not UTF-8 text" in err


def test_the_console_script_exits_1_without_a_traceback(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(replace("{working_days: 3}", "{weeks: 3}"), encoding="utf-8")
    proc = subprocess.run(  # noqa: S603 - our own console entry point
        [sys.executable, "-m", "zaedno.cli", "protocol", "check", str(path)],
        capture_output=True,
        text=True,
        env={"ZAEDNO_DEMO": "true", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (
        "p.yaml:21: stages[0].steps[1].deadline.weeks: 'weeks' is not one of hours, days, working_days"
        in proc.stderr
    )


@pytest.mark.django_db
def test_list_sync_and_load(tmp_path):
    code, out, _ = run("list")
    assert code == 0
    assert "No protocols loaded." in out
    assert "multisector.yaml: multisector v3, 7 stages, 10 steps — not loaded" in out

    code, out, _ = run("sync")
    assert code == 0 and out.count("Loaded ") == 3
    code, out, _ = run("sync")
    assert "Shipped protocols up to date (3 loaded)." in out

    adapted = tmp_path / "vt.yaml"
    adapted.write_text(replace("code: sample\n", "code: vt_sample\n"), encoding="utf-8")
    code, out, _ = run("load", str(adapted))
    assert (code, out.strip()) == (0, "Loaded vt_sample v1 (vt.yaml)")
    code, out, _ = run("load", str(adapted))
    assert "Already loaded: vt_sample v1 (same content)" in out

    adapted.write_text(
        replace("code: sample\n", "code: vt_sample\n", replace("{days: 20}", "{days: 15}")), encoding="utf-8"
    )
    code, _, err = run("load", str(adapted))
    assert code == 1
    assert "raise `version` to 2" in err
    assert ProtocolVersion.objects.count() == 4

    code, out, _ = run("list")
    assert "vt_sample v1  3 stages" not in out
    assert "vt_sample v1  2 stages, 3 steps  local vt.yaml" in out
    assert "coordination_mechanism v3  3 stages, 6 steps  shipped coordination_mechanism.yaml" in out
    assert "not loaded" not in out
