"""``zaedno demo --no-serve``: the Veliko Tarnovo data set, its personas, its protocol story, and a
rerun that reuses it."""

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Min
from django.test import override_settings
from django.utils import timezone
from stdnum.bg import egn as stdnum_egn
from stdnum.bg import pnf as stdnum_pnf

from zaedno.accounts.models import Membership, Role, User
from zaedno.assessments.models import Assessment, AssessmentStatus
from zaedno.audit.models import AuditEvent
from zaedno.audit.services import audit_verify
from zaedno.cases.models import (
    BreakGlassAccess,
    Case,
    CaseNote,
    CaseStatus,
    NoteSection,
    SignalCategory,
    TeamMember,
    TimelineEntry,
)
from zaedno.children.identifiers import egn_birth_date, egn_sex
from zaedno.children.models import Child, Relative
from zaedno.meetings.models import (
    Attendance,
    Decision,
    DecisionNote,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinutesAddendum,
    Participant,
    ParticipantRole,
    ResponsibleKind,
)
from zaedno.meetings.queries import my_decisions
from zaedno.notifications.models import Notification
from zaedno.organisations.models import Organisation, OrganisationKind, Sector
from zaedno.plans.models import (
    Action,
    ActionStatus,
    CheckInStatus,
    FollowUpCheckIn,
    OutcomeMeasurement,
    Plan,
    PlanKind,
    PlanReview,
    PlanStatus,
    Who,
)
from zaedno.profiles.models import CaseProfile, Indicator, ProfileChange
from zaedno.protocols.models import CaseArtefact, CaseEvent, CaseStep, Compliance, StepStatus
from zaedno.protocols.queries import compliance_counts, my_work
from zaedno.protocols.scan import deadline_scan
from zaedno.signals.models import Signal
from zaedno.tools.models import ToolDocument, ToolKind

PERSONAS = ["ivanova", "petrov", "georgieva", "dimitrova", "stoyanov", "nikolova", "koleva", "todorov", "angelova", "admin"]  # fmt: skip


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The data set, loaded once for the tests that only read it (rolled back afterwards)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def membership(username):
    return Membership.objects.select_related("organisation", "organisation__municipality").get(
        user__username=username
    )


@pytest.mark.django_db
def test_demo_loads_personas_organisations_children_and_cases(demo_output):
    output = demo_output

    # The logins and the password are printed.
    for username in PERSONAS:
        assert f"  {username} " in output
    assert settings.ZAEDNO_DEMO_PASSWORD in output
    for username in PERSONAS:
        assert authenticate(username=username, password=settings.ZAEDNO_DEMO_PASSWORD) is not None

    # Organisations of every sector in the oblast.
    assert Organisation.objects.count() >= 12
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Sector.values)
    # The oblast's organisations, and the national agency (ДАЗД) that crisis signals reach.
    assert set(
        Organisation.objects.exclude(kind="dazd").values_list("municipality__oblast_id", flat=True)
    ) == {"VTR"}

    # Who is who.
    ivanova = membership("ivanova")
    assert (ivanova.organisation.kind, ivanova.organisation.municipality_id) == (
        OrganisationKind.OZD,
        "VTR04",
    )
    assert membership("petrov").organisation.kind == OrganisationKind.SCHOOL
    assert membership("petrov").organisation.municipality_id == "VTR04"
    assert membership("georgieva").organisation.kind == OrganisationKind.DPS
    assert membership("dimitrova").user.profession == "doctor"
    assert membership("stoyanov").organisation.kind == OrganisationKind.COP
    nikolova = membership("nikolova")
    assert (nikolova.role, nikolova.organisation_id) == (Role.MANAGER, ivanova.organisation_id)
    assert membership("koleva").organisation.kind == OrganisationKind.NGO
    assert membership("todorov").organisation.kind == OrganisationKind.MUNICIPALITY
    angelova = membership("angelova")
    assert (angelova.organisation.kind, angelova.organisation.municipality_id) == (
        OrganisationKind.SCHOOL,
        "VTR06",
    )
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert membership("admin").role == Role.ADMINISTRATOR

    # Children: valid identifiers that agree with birth date and sex; some without.
    children = list(Child.objects.all())
    assert len(children) >= 40
    with_egn = [c for c in children if c.egn]
    assert len(with_egn) < len(children)
    for c in with_egn:
        assert stdnum_egn.is_valid(c.egn)
        assert egn_birth_date(c.egn) == c.birth_date and egn_sex(c.egn) == c.sex
    foreign = [c for c in children if c.lnch]
    assert len(foreign) == 1 and stdnum_pnf.is_valid(foreign[0].lnch)
    assert all(c.settlement.municipality.oblast_id == "VTR" for c in children)
    assert Relative.objects.filter(has_parental_rights=True).count() >= len(children)

    # Cases at every stage, with teams across sectors and timelines over the last 18 months.
    assert Case.objects.count() >= 40
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert AuditEvent.objects.filter(action="case.status.open").exists(), "some cases were reopened"
    assert set(Signal.objects.values_list("category", flat=True)) == set(SignalCategory.values)
    assert set(CaseNote.objects.values_list("section", flat=True)) == set(NoteSection.values)
    multisector = Case.objects.annotate(sectors=Count("team__organisation__sector", distinct=True)).filter(
        sectors__gte=3
    )
    assert multisector.count() >= 20
    assert set(TeamMember.objects.values_list("sharing_level", flat=True)) == {1, 2, 3}
    assert TeamMember.objects.filter(left_at__isnull=False).exists()
    now = timezone.now()
    assert Case.objects.filter(opened_at__lt=now - dt.timedelta(days=365)).exists()
    assert Case.objects.filter(opened_at__gt=now - dt.timedelta(days=60)).exists()
    assert not TimelineEntry.objects.filter(at__gt=now).exists()
    assert min(Case.objects.annotate(n=Count("timeline")).values_list("n", flat=True)) >= 4

    # The personas' places in the teams.
    ivanova_cases = set(TeamMember.objects.filter(user__username="ivanova").values_list("case_id", flat=True))
    assert Case.objects.filter(lead__username="ivanova").count() >= 5
    assert TeamMember.objects.filter(case_id__in=ivanova_cases, user__username="petrov").count() >= 2
    assert not TeamMember.objects.filter(case_id__in=ivanova_cases, user__username="angelova").exists()
    assert TeamMember.objects.filter(user__username="angelova").exists()
    assert BreakGlassAccess.objects.filter(user__username="georgieva").count() == 2

    # Written through the services: the audit chain is whole and says who did what.
    assert audit_verify().ok
    assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
    assert AuditEvent.objects.filter(action="case.view", actor_username="nikolova").exists()


@pytest.mark.django_db
def test_demo_rerun_reuses_the_data():
    run_demo()
    counts = (Child.objects.count(), Case.objects.count(), User.objects.count(), AuditEvent.objects.count())
    output = run_demo()
    assert "Reusing the demo data" in output
    assert (
        Child.objects.count(),
        Case.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    # A changed ZAEDNO_DEMO_PASSWORD is what the next run prints, so it must be what works.
    with override_settings(ZAEDNO_DEMO_PASSWORD="another-demo-pass"):
        output = run_demo()
        assert "another-demo-pass" in output
    assert authenticate(username="petrov", password="another-demo-pass") is not None


# --- the protocol story: steps in every compliance state, and "my work" worth showing ---

CYRILLIC = re.compile(r"[А-Яа-я]")
UPCOMING = {Compliance.DUE_SOON, Compliance.ON_TRACK}


@pytest.mark.django_db
def test_every_compliance_state_occurs(demo_output):
    now = timezone.now()
    by_municipality = compliance_counts(CaseStep.objects.all(), now, "case__municipality")
    seen = Counter()
    for counts in by_municipality.values():
        seen.update(counts)
    assert set(seen) == set(Compliance.values), seen
    # The SQL and the Python reading agree.
    assert Counter(s.compliance(now) for s in CaseStep.objects.all()) == seen
    # Older cases: mostly done, mostly on time.
    assert seen[Compliance.DONE_ON_TIME] > 3 * seen[Compliance.DONE_LATE] > 0
    assert seen[Compliance.DONE_ON_TIME] > seen[Compliance.OVERDUE] + seen[Compliance.WAITING]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["ivanova", "stoyanov"])
def test_persona_leads_have_overdue_and_upcoming_work(demo_output, username):
    work = my_work(User.objects.get(username=username))
    states = Counter(item.state for item in work.own)
    assert states[Compliance.OVERDUE] >= 1, states
    assert sum(states[s] for s in UPCOMING) >= 1, states
    if username == "ivanova":  # a signal whose check is due within the day
        assert states[Compliance.DUE_SOON] >= 1, states


@pytest.mark.django_db
def test_steps_are_done_with_evidence_reasons_and_events(demo_output):
    now = timezone.now()
    artefacts = CaseArtefact.objects.all()
    assert artefacts.count() >= 200
    # A bare record says in Bulgarian what shows the step is done; a record made by a service
    # (a meeting held, a plan agreed, …) points at that record instead.
    assert all(CYRILLIC.search(a.evidence) for a in artefacts.filter(object_type=""))
    assert not artefacts.exclude(object_type="").filter(object_id="").exists()
    # Back-dated, never in the future, never before the case's signal.
    assert not artefacts.filter(at__gt=now).exists()
    assert not artefacts.filter(at__gt=F("created_at")).exists()
    # (the first signal: a later one may join the case with its own clocks)
    assert not artefacts.annotate(first=Min("case__signals__received_at")).filter(at__lt=F("first")).exists()
    assert not CaseStep.objects.filter(status=StepStatus.DONE, completed_at__lt=F("started_at")).exists()
    not_applicable = CaseStep.objects.filter(status=StepStatus.NOT_APPLICABLE)
    assert not_applicable.count() >= 3
    assert all(len(s.not_applicable_reason) > 20 for s in not_applicable)
    # A social service started (its own protocol attached) and a crisis was identified.
    assert CaseEvent.objects.filter(code="service_started").exists()
    assert CaseStep.objects.filter(case_protocol__version__definition__code="social_service_support").exists()
    assert CaseStep.objects.filter(step_code="crisis_intervention", status=StepStatus.DONE).exists()
    # Follow-up and closure: reviews done, closed cases with nothing left open.
    assert CaseStep.objects.filter(step_code="follow_up_review", status=StepStatus.DONE).exists()
    assert CaseStep.objects.filter(step_code="closure_notified", status=StepStatus.DONE).exists()
    closed = CaseStep.objects.filter(case__status=CaseStatus.CLOSED)
    assert closed.filter(status=StepStatus.ENDED).exists()
    assert not closed.filter(status__in=[StepStatus.OPEN, StepStatus.WAITING]).exists()
    # Reminders and escalations went out in the history, on their dates.
    sent = Notification.objects.filter(kind__startswith="protocol.")
    assert sent.filter(kind="protocol.escalate").exists() and sent.filter(kind="protocol.remind").exists()
    assert not sent.filter(created_at__gt=now).exists()
    assert TimelineEntry.objects.filter(kind="protocol").count() >= Case.objects.count()


@pytest.mark.django_db
def test_deadline_scan_runs_on_the_demo(demo_output):
    result = deadline_scan(timezone.now())
    assert result.notifications >= 0
    assert deadline_scan(timezone.now()).notifications == 0  # each reminder once


# --- the case work: meetings, decisions, tools, assessments, plans, reviews, follow-up, profiles ---


@pytest.mark.django_db
def test_protocol_steps_are_completed_by_real_records(demo_output):
    def kinds(step_code):
        return Counter(
            CaseStep.objects.filter(step_code=step_code, status=StepStatus.DONE).values_list(
                "artefact__object_type", flat=True
            )
        )

    # Every case conference and multidisciplinary team meeting of the story was really held.
    for code in ("assessment_conference", "mdt_meeting"):
        assert set(kinds(code)) == {"meeting"}, (code, kinds(code))
        for step in CaseStep.objects.filter(step_code=code, status=StepStatus.DONE).select_related(
            "artefact"
        ):
            meeting = Meeting.objects.get(pk=step.artefact.object_id, case_id=step.case_id)
            assert meeting.status in (MeetingStatus.HELD, MeetingStatus.LOCKED)
            assert meeting.starts_at == step.completed_at
    # The assessments, formulations, plans and reviews are real where the story allows it.
    for code, object_type in (
        ("multisector_assessment", "assessment"),
        ("formulation", "assessment"),
        ("plan_agreed", "plan"),
        ("action_plan", "plan"),
        ("plan_review", "plan_review"),
        ("follow_up_review", "follow_up"),
        ("closure_decision", "decision"),
    ):
        counts = kinds(code)
        assert counts[object_type] >= 0.8 * sum(counts.values()) > 0, (code, counts)


@pytest.mark.django_db
def test_meetings_in_every_status_with_minutes_and_the_family_heard(demo_output):
    now = timezone.now()
    meetings = Meeting.objects.all()
    assert set(meetings.values_list("status", flat=True)) == set(MeetingStatus.values)
    assert set(meetings.values_list("kind", flat=True)) == set(MeetingKind.values)
    locked = meetings.filter(status=MeetingStatus.LOCKED)
    held = meetings.filter(status=MeetingStatus.HELD)
    assert locked.count() > 3 * held.count() > 0  # older minutes confirmed, the latest awaited
    assert held.filter(held_at__gt=now - dt.timedelta(days=14)).exists()
    # Nothing left scheduled in the past: upcoming meetings only, with the team and the parents invited.
    scheduled = meetings.filter(status=MeetingStatus.SCHEDULED)
    assert not scheduled.filter(starts_at__lt=now).exists()
    assert scheduled.filter(case__lead__username="ivanova").exists()
    assert scheduled.filter(case__lead__username="stoyanov").exists()
    assert Participant.objects.filter(meeting__in=scheduled, user__username="petrov").exists()
    assert Participant.objects.filter(meeting__in=scheduled, role=ParticipantRole.PARENT).exists()
    assert meetings.filter(status=MeetingStatus.CANCELLED).exclude(cancel_reason="").exists()
    for m in meetings.exclude(status__in=[MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED]):
        assert CYRILLIC.search(m.minutes) and CYRILLIC.search(m.title), m.pk
        assert not m.participants.filter(attendance=Attendance.INVITED).exists()
    for m in locked:
        present = m.participants.filter(attendance=Attendance.PRESENT, user__isnull=False)
        assert present.filter(confirmed_at__isnull=False).exists()
    present = Participant.objects.filter(attendance=Attendance.PRESENT)
    assert present.filter(role=ParticipantRole.PARENT).count() >= 50
    assert present.filter(role=ParticipantRole.CHILD).exists()
    assert Participant.objects.filter(attendance=Attendance.EXCUSED).exclude(attendance_note="").exists()
    assert meetings.exclude(parents_views="").count() >= 50
    assert MinutesAddendum.objects.exists()


@pytest.mark.django_db
def test_decisions_in_every_state_and_overdue_in_my_work(demo_output):
    now = timezone.now()
    decisions = Decision.objects.all()
    assert set(decisions.values_list("status", flat=True)) == set(DecisionStatus.values)
    assert set(decisions.values_list("responsible_kind", flat=True)) >= {
        ResponsibleKind.PROFESSIONAL, ResponsibleKind.ORGANISATION, ResponsibleKind.PARENT, ResponsibleKind.CHILD,
    }  # fmt: skip
    assert not decisions.filter(status=DecisionStatus.NOT_DONE, status_reason="").exists()
    assert not decisions.filter(status=DecisionStatus.SUPERSEDED, superseded_by__isnull=True).exists()
    assert decisions.filter(status=DecisionStatus.DONE, completed_at__date__gt=F("due_on")).exists()
    assert DecisionNote.objects.filter(meeting__isnull=False).exists()  # reviewed at the next meeting
    assert decisions.filter(kind="closure").exists()
    for username in ("ivanova", "petrov"):
        work = my_decisions(User.objects.get(username=username), now)
        assert work.overdue, username
        assert work.upcoming or work.due_soon, username
    assert my_decisions(User.objects.get(username="ivanova"), now).others_overdue
    # The decision scan sent its notices in the last days of the history.
    assert Notification.objects.filter(kind__startswith="decision.").exists()


@pytest.mark.django_db
def test_every_tool_filled_and_some_versioned(demo_output):
    documents = ToolDocument.objects.all()
    assert set(documents.values_list("kind", flat=True)) == set(ToolKind.values)
    assert documents.filter(version__gte=2).exists()
    safety = ToolDocument.objects.filter(kind=ToolKind.SAFETY_MAP, version__gte=2).first()
    first, last = safety.versions.order_by("number").first(), safety.versions.order_by("number").last()
    assert len(first.data["ratings"]) >= 3

    def mean(version):
        return sum(r["rating"] for r in version.data["ratings"]) / len(version.data["ratings"])

    assert mean(last) > mean(first)  # the second look shows change
    maps = [d.versions.order_by("number").last().data for d in documents.filter(kind=ToolKind.NETWORK_MAP)]
    assert any(len(m["people"]) >= 10 and any(p["conflict"] for p in m["people"]) for m in maps)
    grids = [
        d.versions.order_by("number").last().data for d in documents.filter(kind=ToolKind.DISINTEGRATION_GRID)
    ]
    assert any(len(g["rows"]) >= 4 for g in grids)
    family = documents.filter(kind=ToolKind.SAFE_FAMILY).first().versions.first().data
    assert CYRILLIC.search(family["daily_care_strengths"]) and CYRILLIC.search(family["family_view"])


@pytest.mark.django_db
def test_assessments_plans_reviews_and_follow_up(demo_output):
    today = timezone.localdate()
    completed = Assessment.objects.filter(status=AssessmentStatus.COMPLETED)
    assert completed.count() >= 30
    assert completed.annotate(n=Count("contributions")).filter(n__gte=2).count() >= 20
    assert completed.filter(formulation_meeting__isnull=False).exclude(hypothesis="").count() >= 30
    plans = Plan.objects.all()
    assert {PlanStatus.AGREED, PlanStatus.SUPERSEDED} <= set(plans.values_list("status", flat=True))
    assert {PlanKind.CASE_PLAN, PlanKind.ACTION_PLAN} <= set(plans.values_list("kind", flat=True))
    assert plans.filter(status=PlanStatus.SUPERSEDED, case__plans__previous__isnull=False).exists()
    agreed = plans.filter(status=PlanStatus.AGREED, agreed_meeting__isnull=False)
    assert agreed.annotate(n=Count("confirmations")).filter(n__gte=2).count() >= 20
    assert set(Action.objects.values_list("who_kind", flat=True)) == set(Who.values)
    assert Action.objects.filter(status=ActionStatus.DONE).exists()
    assert plans.exclude(child_words="").exclude(parents_words="").exists()
    # Reviews with outcome measures that make charts of three points or more.
    assert PlanReview.objects.filter(measurements__isnull=False).count() >= 40
    series = (
        OutcomeMeasurement.objects.filter(measure="safety_scale")
        .values("case_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
    )
    assert series.exists()
    # Follow-up check-ins: done, and one overdue for ivanova.
    assert FollowUpCheckIn.objects.filter(status=CheckInStatus.DONE).exclude(child_status="").exists()
    assert FollowUpCheckIn.objects.filter(
        status=CheckInStatus.SCHEDULED, due_on__lt=today, responsible__username="ivanova"
    ).exists()


@pytest.mark.django_db
def test_difficult_cases_flagged_with_their_history(demo_output):
    flagged = CaseProfile.objects.filter(flagged=True)
    assert flagged.exists()
    assert ProfileChange.objects.filter(flag_changed=True, flagged=True).exists()
    assert ProfileChange.objects.filter(trigger="assessment_completed").exists()
    assert ProfileChange.objects.filter(trigger="indicator_recorded").exists()
    assert Indicator.objects.filter(withdrawn_at__isnull=False).exists()
    with_needs = [p for p in flagged if "needs_in_several_domains" in p.criteria_met]
    assert with_needs, "a case flagged by its assessment's needs as well"


@pytest.mark.django_db
def test_case_work_is_written_back_dated_in_order(demo_output):
    now = timezone.now()
    assert not Meeting.objects.filter(created_at__gt=now).exists()
    assert not Meeting.objects.filter(held_at__lt=F("starts_at")).exists()
    assert not Decision.objects.filter(created_at__gt=now).exists()
    assert not DecisionNote.objects.filter(created_at__lt=F("decision__created_at")).exists()
    assert not Plan.objects.filter(agreed_at__gt=now).exists()
    assert audit_verify().ok


@pytest.mark.django_db
def test_the_resource_map_of_the_oblast_is_seeded(demo_output):
    from zaedno.organisations.models import Sector
    from zaedno.resources.models import Service

    services = Service.objects.filter(settlement__municipality__oblast_id="VTR")
    assert services.count() >= 60
    assert set(services.values_list("sector", flat=True)) >= {
        Sector.SOCIAL,
        Sector.HEALTH,
        Sector.EDUCATION,
        Sector.POLICE,
        Sector.COMMUNITY,
    }
    assert services.values("settlement__municipality").distinct().count() == 10
    assert services.filter(latitude__isnull=False).count() == services.count()
    # The demo's own organisations run them (the ЦОП of the personas is on the map).
    assert services.filter(organisation__memberships__user__username="stoyanov").exists()


@pytest.mark.django_db
def test_demo_signals_in_every_state_through_the_front_door(demo_output):
    from zaedno.signals.models import SignalRoute
    from zaedno.signals.queries import queue

    ivanova = User.objects.get(username="ivanova")
    # Every case came from a signal decided "open a case".
    assert Signal.objects.filter(decision="open_case").count() == Case.objects.count()
    assert not Case.objects.exclude(signals__decision="open_case").exists()
    # Some wait in ivanova's department: unassigned (petrov's, this morning), assigned, checked.
    waiting = queue(ivanova)
    assert {s.status for s in waiting} == {"received", "checking"}
    petrov = [s for s in waiting if s.reporter_user and s.reporter_user.username == "petrov"]
    assert petrov and petrov[0].assigned_to is None and petrov[0].category == "violence"
    assert any(s.immediate_danger and s.checked_at for s in waiting)
    assert any(s.kind == "commission_request" for s in waiting)
    # One decided "no case" with a community service, one attached to an open case.
    no_case = Signal.objects.get(decision="no_case")
    assert no_case.redirected_to is not None and no_case.decision_reason
    attached = Signal.objects.get(decision="attach")
    assert attached.case.signals.count() == 2
    # Reporters of every kind; the police informed of violence; nobody left unrouted.
    assert set(Signal.objects.values_list("reporter_kind", flat=True)) >= {
        "professional",
        "citizen",
        "helpline",
    }
    assert SignalRoute.objects.filter(institution="police", status="notified").exists()
    assert not Signal.objects.filter(status="unrouted").exists()
    # The department's head was told of what waited too long.
    assert Notification.objects.filter(user__username="nikolova", kind__startswith="signal.").exists()


# --- issue 12, item 7: an organisation's compliance counts its own people's decisions -------------


@pytest.mark.django_db
def test_every_organisation_that_owns_work_has_a_manager(demo_output):
    from zaedno.meetings.queries import decision_owner_organisation

    owners = set(Case.objects.values_list("lead_organisation_id", flat=True))
    owners |= set(TeamMember.objects.values_list("organisation_id", flat=True))
    owners |= set(
        CaseStep.objects.exclude(owner_organisation=None).values_list("owner_organisation_id", flat=True)
    )
    owners |= set(
        Decision.objects.annotate(owner=decision_owner_organisation())
        .exclude(owner=None)
        .values_list("owner", flat=True)
    )
    managed = set(
        Membership.objects.filter(role=Role.MANAGER, is_active=True, user__is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    assert not Organisation.objects.filter(pk__in=owners - managed).exists(), [
        str(o) for o in Organisation.objects.filter(pk__in=owners - managed)
    ]
    # The personas are as they were: the new heads are colleagues, in no team, reporting no signal.
    heads = User.objects.filter(memberships__role=Role.MANAGER).exclude(username__in=["nikolova", "kirilova"])
    assert not TeamMember.objects.filter(user__in=heads).exists()
    assert not Signal.objects.filter(recorded_by__in=heads).exists()
    assert (
        membership("georgieva").role == Role.PRACTITIONER and membership("stoyanov").role == Role.PRACTITIONER
    )


@pytest.mark.django_db
def test_the_cop_head_sees_the_overdue_decisions_of_its_people(demo_output, client):
    from zaedno.meetings.panels import compliance_panel

    cop = Organisation.objects.get(kind=OrganisationKind.COP, municipality_id="VTR04")
    today = timezone.localdate()
    overdue = Decision.objects.filter(
        responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user__memberships__organisation=cop,
        status__in=[DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS], due_on__lt=today,
    )  # fmt: skip
    if not overdue.exists():
        # The story is drawn anew each day (and differs by engine): when none of their decisions is
        # overdue today, one of their open decisions from an earlier day gets an earlier due date,
        # through the service, as its owner would move it.
        from zaedno.cases.access import access_for
        from zaedno.core.testing import ctx_for
        from zaedno.meetings.services import decision_due_change

        candidates = Decision.objects.filter(
            responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user__memberships__organisation=cop,
            status__in=[DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS],
        ).select_related("responsible_user", "case", "meeting")  # fmt: skip
        mine = next((d for d in candidates if timezone.localtime(d.meeting.starts_at).date() < today), None)
        if mine is not None:
            who = mine.responsible_user
            decision_due_change(
                ctx=ctx_for(who), access=access_for(who, mine.case), decision=mine,
                due_on=today - dt.timedelta(days=1),
                reason="Срокът е поправен: беше записан по-късно, отколкото се разбрахме на срещата.",
            )  # fmt: skip
    # (The counting rule itself is proven on a made-up case in meetings/tests/test_compliance_people.py.)
    head = User.objects.get(memberships__organisation=cop, memberships__role=Role.MANAGER)
    panel = compliance_panel(head, {cop.pk: cop}, {}, timezone.now())
    [row] = panel["owned"]
    assert row["name"] == str(cop) and row["cells"][1] >= overdue.count()
    assert row["cells"][1] >= 1 or not overdue.exists()
    client.force_login(head)
    page = client.get("/compliance/").content.decode()
    assert f'<tr><th scope="row">{cop}</th>' in page[page.index("decisions-compliance-title") :]
