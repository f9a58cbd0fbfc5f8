"""Helpers for tests of the apps whose records complete protocol steps."""

from __future__ import annotations

from zaedno.core.testing import ctx_for
from zaedno.protocols.engine import artefact_record, parse_artefact
from zaedno.protocols.models import CaseStep, StepStatus
from zaedno.protocols.vocabulary import STEP_DONE


def steps_done_before(case, *codes: str, user) -> None:
    """Complete, in order and each by its own record, the steps that each of ``codes`` waits for
    on ``case`` (in every protocol of the case that has it).

    A step completes only once the step it waits for is done, so a test showing that a record
    (a meeting held, an assessment completed, a plan agreed) completes its step first brings the
    case to that point.
    """
    for code in codes:
        for step in CaseStep.objects.filter(case=case, step_code=code).select_related("case_protocol"):
            chain: list[str] = []
            starts_on = step.starts_on
            while starts_on.startswith(STEP_DONE):
                dep_code = starts_on[len(STEP_DONE) :]
                chain.insert(0, dep_code)
                dep = CaseStep.objects.filter(case_protocol=step.case_protocol, step_code=dep_code).first()
                starts_on = dep.starts_on if dep is not None else ""
            for dep_code in chain:
                dep = CaseStep.objects.filter(
                    case_protocol=step.case_protocol, step_code=dep_code,
                    status__in=[StepStatus.OPEN, StepStatus.WAITING],
                ).first()  # fmt: skip
                if dep is None:
                    continue  # already done
                artefact, kind = parse_artefact(dep.completed_by)
                artefact_record(
                    ctx=ctx_for(user), case=case, artefact=artefact, kind=kind, only_step=dep,
                    evidence="done earlier in the test",
                )  # fmt: skip
