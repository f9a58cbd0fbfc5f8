"""``zaedno seed``: valid, varied synthetic data in bulk, with an intact audit chain and the protocol
steps the engine would have written."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from stdnum.bg import egn as stdnum_egn
from stdnum.bg import pnf as stdnum_pnf

from zaedno.audit.models import AuditEvent
from zaedno.audit.services import audit_verify
from zaedno.cases.models import Case, CaseStatus, TeamMember, TeamRole, TimelineEntry
from zaedno.children.identifiers import egn_birth_date, egn_sex
from zaedno.children.models import Child
from zaedno.organisations.models import Organisation, Sector
from zaedno.protocols.calendar import deadline_for
from zaedno.protocols.engine import escalation_delay, reminder_lead, step_def
from zaedno.protocols.models import (
    CaseArtefact,
    CaseEvent,
    CaseProtocol,
    CaseStep,
    Compliance,
    ProtocolVersion,
    StepStatus,
)
from zaedno.protocols.scan import deadline_scan
from zaedno.signals.models import Signal, SignalRoute


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_300_children():
    output = seed("--children", "300")
    assert "Seeded 300 children" in output

    children = list(Child.objects.all())
    assert len(children) == 300
    egns = [c for c in children if c.egn]
    assert len(egns) >= 270
    for c in egns:
        assert stdnum_egn.is_valid(c.egn), c.egn
        assert egn_birth_date(c.egn) == c.birth_date and egn_sex(c.egn) == c.sex
    assert all(stdnum_pnf.is_valid(c.lnch) for c in children if c.lnch)
    assert all(c.search_key and c.name_latin for c in children)
    assert all(c.settlement.municipality_id == "VTR04" for c in children)

    cases = Case.objects.all()
    assert 150 <= cases.count() <= 300  # about 70% of children, some twice
    assert cases.values("child").distinct().count() < cases.count()
    assert all(n.startswith("VTR04-") for n in cases.values_list("number", flat=True))
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert not cases.filter(~Q(status=CaseStatus.OPEN), closed_at__isnull=True).exists()
    decided = Signal.objects.filter(status="decided")
    assert Counter(decided.values_list("case_id", flat=True)) == Counter(cases.values_list("pk", flat=True))
    assert set(decided.values_list("decision", flat=True)) == {"open_case"}
    assert len(set(Signal.objects.values_list("category", flat=True))) >= 6
    # Some signals are still in the department's queue, and every signal went somewhere.
    assert Signal.objects.filter(status__in=["received", "checking"], case=None).exists()
    numbers = list(Signal.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) and all(n.startswith("S-VTR04-") for n in numbers)
    assert (
        SignalRoute.objects.filter(institution="ozd").count()
        >= Signal.objects.exclude(recipient__kind="cop").count()
    )
    # A ЦОП leads only support cases (the protocols' lead rules).
    assert not cases.filter(
        lead_organisation__kind="cop", signals__category__in=["violence", "neglect", "minor_pregnancy"]
    ).exists()

    # Teams of 2–6 around each child, led by the case lead, across all sectors.
    sizes = cases.annotate(n=Count("team")).values_list("n", flat=True)
    assert min(sizes) >= 2 and max(sizes) <= 6
    leads = TeamMember.objects.filter(role=TeamRole.LEAD)
    assert leads.count() == cases.count()
    assert not leads.exclude(user_id=F("case__lead_id")).exists()
    assert set(TeamMember.objects.values_list("organisation__sector", flat=True)) == set(Sector.values)
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Sector.values)
    entries = cases.annotate(n=Count("timeline")).values_list("n", flat=True)
    assert min(entries) >= 4 and max(entries) <= 15
    for case in cases.prefetch_related("timeline")[:20]:
        first, second = case.timeline.all()[:2]
        assert (first.kind, second.kind) == ("signal", "opened")
    # Seeded entries read in the reader's language, like the services' own.
    assert not TimelineEntry.objects.filter(message="").exists()
    entry = TimelineEntry.objects.filter(kind="signal").first()
    assert entry.text == entry.summary
    with translation.override("en"):
        assert entry.text.startswith("Signal S-VTR04-") and " received: " in entry.text

    result = audit_verify()
    assert result.ok, result.problem
    assert AuditEvent.objects.filter(action="case.open").count() == cases.count()
    assert AuditEvent.objects.filter(action="child.register").count() == 300


@pytest.mark.django_db
def test_seed_again_continues_numbers_and_avoids_collisions():
    seed("--children", "150")
    seed("--children", "150", "--seed", "1")  # the same random seed: same names and ЕГН wanted
    assert Child.objects.count() == 300
    egns = list(Child.objects.exclude(egn=None).values_list("egn", flat=True))
    assert len(egns) == len(set(egns))
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert audit_verify().ok
    # The second run reuses the municipality's organisations and professionals.
    assert "Created 0 organisations and 0 professionals" in seed("--children", "10")


@pytest.mark.django_db
def test_seed_other_municipality_and_errors():
    seed("--children", "40", "--municipality", "vtr28")
    assert set(Child.objects.values_list("settlement__municipality_id", flat=True)) == {"VTR28"}
    assert TimelineEntry.objects.exists()
    with pytest.raises(CommandError, match="No municipality"):
        seed("--children", "5", "--municipality", "XXX99")
    with pytest.raises(CommandError, match="at least 1"):
        seed("--children", "0")


@pytest.mark.django_db
def test_seed_writes_protocol_steps_as_the_engine_would():
    seed("--children", "200")
    now = timezone.now()
    cases = Case.objects.all()
    current = {v.definition.code: v for v in ProtocolVersion.objects.select_related("definition")}
    violence = set(Signal.objects.filter(category="violence").values_list("case_id", flat=True))
    assert violence
    # One protocol per case and protocol that applies, on the current version.
    attached = Counter(CaseProtocol.objects.values_list("version__definition__code", flat=True))
    assert attached == {"multisector": cases.count(), "coordination_mechanism": len(violence)}
    assert (
        set(
            CaseProtocol.objects.filter(version__definition__code="coordination_mechanism").values_list(
                "case_id", flat=True
            )
        )
        == violence
    )
    assert not CaseProtocol.objects.exclude(version__in=current.values()).exists()

    # Steps in many states: older cases mostly done, open ones with work still to do.
    states = Counter(s.compliance(now) for s in CaseStep.objects.all())
    for state in (Compliance.DONE_ON_TIME, Compliance.DONE_LATE, Compliance.ON_TRACK, Compliance.OVERDUE,
                  Compliance.WAITING, Compliance.ENDED, Compliance.NOT_APPLICABLE):  # fmt: skip
        assert states[state] > 0, (state, states)
    assert states[Compliance.DONE_ON_TIME] > 3 * states[Compliance.DONE_LATE]
    assert not CaseStep.objects.filter(
        case__status=CaseStatus.CLOSED, status__in=[StepStatus.OPEN, StepStatus.WAITING]
    ).exists()

    # The engine's clocks and owners; every done step has its record on the same case.
    for step in CaseStep.objects.filter(status=StepStatus.OPEN, occurrence=1).select_related(
        "case", "case_protocol__version"
    )[:200]:
        deadline = step_def(step).body["deadline"]
        assert step.due_at == deadline_for(step.started_at, deadline)
        span = step.due_at - step.started_at
        assert step.remind_at == step.due_at - reminder_lead(span)
        assert step.escalate_at == step.due_at + escalation_delay(span)
        if step.owner_role in ("case_lead", "team", "signal_recipient"):
            assert step.owner_user_id == step.case.lead_id
    done = CaseStep.objects.filter(status=StepStatus.DONE)
    assert not done.filter(artefact__isnull=True).exists()
    assert not done.exclude(artefact__case_id=F("case_id")).exists()
    assert not done.exclude(artefact__at=F("completed_at")).exists()
    assert not done.filter(completed_at__lt=F("started_at")).exists()
    assert not CaseArtefact.objects.filter(at__gt=now).exists()
    # A record of a signal check completes both protocols' checks, as artefact_record does.
    assert (
        CaseArtefact.objects.filter(artefact="signal_checked").count()
        == cases.count()
        - CaseStep.objects.filter(
            step_code="signal_checked", case_protocol__version__definition__code="multisector"
        )
        .exclude(status=StepStatus.DONE)
        .count()
    )
    assert CaseEvent.objects.filter(code="signal_received").count() == cases.count()

    # The deadline scan runs on it: the overdue steps are escalated, once.
    result = deadline_scan(now)
    assert result.escalated > 0 and result.notifications > 0
    assert deadline_scan(now).notifications == 0
    assert audit_verify().ok
