"""The protocol engine driven with a fake clock through each shipped protocol."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zaedno.cases.access import access_for
from zaedno.core.testing import build_world, ctx_for
from zaedno.protocols.engine import artefact_record
from zaedno.protocols.models import CaseStep, Compliance, StepStatus

SOFIA = ZoneInfo("Europe/Sofia")


def local(*args):
    return dt.datetime(*args, tzinfo=SOFIA)


def steps(case, code):
    return {
        s.step_code: s
        for s in CaseStep.objects.filter(case=case, case_protocol__version__definition__code=code).order_by(
            "occurrence"
        )
    }


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)  # Wednesday; the signal came at 09:00
    return build_world()


def test_smoke(w, clock):
    cm = steps(w.case, "coordination_mechanism")
    assert cm["institutions_informed"].due_at == local(2026, 5, 20, 10, 0)
    assert cm["institutions_informed"].owner_user == w.ivanova
    assert cm["mdt_meeting"].due_at == local(2026, 5, 21, 9, 0)
    assert cm["crisis_intervention"].status == StepStatus.WAITING
    ms = steps(w.case, "multisector")
    assert ms["signal_checked"].due_at == local(2026, 5, 27, 9, 0)
    assert cm["institutions_informed"].compliance(clock.at) == Compliance.OVERDUE
    artefact_record(ctx=ctx_for(w.ivanova), case=w.case, artefact="signal_checked", at=clock.at)
    cm = steps(w.case, "coordination_mechanism")
    ms = steps(w.case, "multisector")
    assert cm["signal_checked"].status == StepStatus.DONE
    assert ms["signal_checked"].status == StepStatus.DONE
    assert ms["team_formed"].status == StepStatus.OPEN
    # team formed by 5 working days from Wed 20 May: Thu 21, Fri 22, Tue 26 (25 May is the moved holiday), Wed 27, Thu 28
    assert ms["team_formed"].due_at == local(2026, 5, 28, 11, 0)
    assert access_for(w.ivanova, w.case)
