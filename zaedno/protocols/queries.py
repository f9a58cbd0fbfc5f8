"""Reading protocol definitions. Definitions are reference data, not case data: no access check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zaedno.protocols.models import ProtocolVersion

SHIPPED_DIR = Path(__file__).resolve().parent / "definitions"


def shipped_files() -> list[Path]:
    """The definition files shipped with the code, in name order."""
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def protocol_current(code: str) -> ProtocolVersion | None:
    """The highest loaded version of a protocol: the one new cases start on."""
    return (
        ProtocolVersion.objects.select_related("definition")
        .filter(definition__code=code)
        .order_by("-version")
        .first()
    )


def protocol_versions() -> list[ProtocolVersion]:
    """Every loaded version of every protocol, by code then version."""
    return list(ProtocolVersion.objects.select_related("definition").order_by("definition__code", "version"))


def protocol_loaded_keys() -> set[tuple[str, int]]:
    return set(ProtocolVersion.objects.values_list("definition__code", "version"))


# --- steps on cases ------------------------------------------------------------------------------
# Steps are case data: every function below takes a CaseAccess or a user and goes through the
# access layer (``zaedno.cases.access``); reads are audited by the caller (views, API), which
# knows what was shown.


def attach_versions(steps) -> list:
    """Put each step's protocol version on it with one query for all (bodies are not repeated per row)."""
    steps = list(steps)
    ids = {s.case_protocol.version_id for s in steps}
    versions = {v.pk: v for v in ProtocolVersion.objects.select_related("definition").filter(pk__in=ids)}
    for s in steps:
        s.case_protocol.version = versions[s.case_protocol.version_id]
    return steps


def case_protocols(access) -> list:
    """The protocols a case follows, each with ``step_list`` in order (all occurrences)."""
    from zaedno.protocols.models import CaseProtocol, CaseStep

    cps = list(
        CaseProtocol.objects.filter(case=access.case)
        .select_related("version__definition")
        .order_by("started_at", "id")
    )
    by_cp = {cp.pk: cp for cp in cps}
    for cp in cps:
        cp.step_list = []
    steps = CaseStep.objects.filter(case=access.case).select_related(
        "owner_user", "owner_organisation", "completed_by_user", "artefact"
    ).order_by("case_protocol_id", "position", "occurrence")  # fmt: skip
    for step in steps:
        cp = by_cp[step.case_protocol_id]
        step.case_protocol = cp
        cp.step_list.append(step)
    return cps


def case_step(access, step_id: int):
    """One step of the case, or 404 — a step id of another case is not found."""
    from django.http import Http404

    from zaedno.protocols.models import CaseStep

    step = (
        CaseStep.objects.filter(case=access.case, pk=step_id)
        .select_related("case_protocol__version__definition", "owner_user", "owner_organisation")
        .first()
    )
    if step is None:
        raise Http404
    return step


def compliance_expression(now):
    """The SQL twin of ``models.step_compliance``: a step's compliance state at ``now``."""
    from django.db.models import Case as When_
    from django.db.models import CharField, F, Q, Value, When

    from zaedno.protocols.models import Compliance, StepStatus

    return When_(
        When(status=StepStatus.NOT_APPLICABLE, then=Value(Compliance.NOT_APPLICABLE.value)),
        When(
            Q(status=StepStatus.DONE, due_at__isnull=False, completed_at__gt=F("due_at")),
            then=Value(Compliance.DONE_LATE.value),
        ),
        When(status=StepStatus.DONE, then=Value(Compliance.DONE_ON_TIME.value)),
        When(
            Q(status=StepStatus.ENDED, due_at__isnull=False, ended_at__gt=F("due_at")),
            then=Value(Compliance.OVERDUE.value),
        ),
        When(status=StepStatus.ENDED, then=Value(Compliance.ENDED.value)),
        When(Q(status=StepStatus.WAITING) | Q(due_at__isnull=True), then=Value(Compliance.WAITING.value)),
        When(due_at__lt=now, then=Value(Compliance.OVERDUE.value)),
        When(remind_at__lte=now, then=Value(Compliance.DUE_SOON.value)),
        default=Value(Compliance.ON_TRACK.value),
        output_field=CharField(),
    )


def compliance_counts(steps_qs, now, group_by: str) -> dict:
    """``{group value: {state: count}}`` for the steps in ``steps_qs``, grouped by a field path."""
    from django.db.models import Count

    rows = (
        steps_qs.order_by()
        .annotate(state=compliance_expression(now))
        .values(group_by, "state")
        .annotate(n=Count("id"))
        .values_list(group_by, "state", "n")
    )
    out: dict = {}
    for key, state, n in rows:
        out.setdefault(key, {})[state] = n
    return out


@dataclass
class WorkItem:
    """One open step in someone's work list."""

    step: object
    state: str
    mine: bool


@dataclass
class MyWork:
    """A professional's open steps across their cases, most urgent first."""

    own: list[WorkItem] = field(default_factory=list)
    others: list[WorkItem] = field(default_factory=list)  # what others owe on cases she leads
    truncated: bool = False  # more than ``limit`` in a list: only the most urgent are shown
    limit: int = 0

    def section(self, items, states):
        return [i for i in items if i.state in states]


def my_work(user, now=None, *, limit: int = 500) -> MyWork:
    """Open steps the user owns (or, as case lead, steps no one in the team owns yet), and on the
    cases she leads, the steps others owe — each list by due time, overdue first.

    A fixed number of queries whatever the caseload: two step queries and one for the versions.
    """
    from django.db.models import Q
    from django.utils import timezone

    from zaedno.cases.access import visible_cases
    from zaedno.cases.models import CaseStatus
    from zaedno.protocols.models import CaseStep, StepStatus

    now = now or timezone.now()
    base = (
        CaseStep.objects.filter(status=StepStatus.OPEN)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "case__child", "case_protocol", "owner_user", "owner_organisation")
        .order_by("due_at", "case_id", "position")
    )
    own_q = Q(owner_user=user) | Q(owner_user__isnull=True, case__lead=user)
    own = list(base.filter(own_q).filter(case__in=visible_cases(user).values("pk"))[: limit + 1])
    others = list(
        base.filter(case__lead=user, owner_user__isnull=False).exclude(owner_user=user)[: limit + 1]
    )
    work = MyWork(truncated=len(own) > limit or len(others) > limit, limit=limit)
    own, others = own[:limit], others[:limit]
    attach_versions([*own, *others])
    work.own = [WorkItem(s, s.compliance(now), True) for s in own]
    work.others = [WorkItem(s, s.compliance(now), False) for s in others]
    return work


def case_protocol_summary(access, now=None, *, next_steps: int = 3) -> dict:
    """For the case page: step counts by compliance state and the next open steps (two queries)."""
    from django.utils import timezone

    from zaedno.protocols.engine import step_title
    from zaedno.protocols.models import CaseStep, Compliance, StepStatus

    now = now or timezone.now()
    steps = list(
        CaseStep.objects.filter(case=access.case)
        .select_related("case_protocol", "owner_user")
        .order_by("due_at", "position")
    )
    counts: dict[str, int] = {}
    for s in steps:
        counts[s.compliance(now)] = counts.get(s.compliance(now), 0) + 1
    upcoming = [s for s in steps if s.status == StepStatus.OPEN][:next_steps]
    attach_versions(upcoming)
    for s in upcoming:
        s.title = step_title(s)
        s.state = s.compliance(now)
    order = [Compliance.OVERDUE, Compliance.DUE_SOON, Compliance.ON_TRACK, Compliance.WAITING,
             Compliance.DONE_LATE, Compliance.DONE_ON_TIME, Compliance.NOT_APPLICABLE, Compliance.ENDED]  # fmt: skip
    return {
        "counts": [(state, counts[state]) for state in order if counts.get(state)],
        "next": upcoming,
        "total": len(steps),
    }
