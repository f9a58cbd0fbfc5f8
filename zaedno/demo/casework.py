"""The case work of the demo: conferences, decisions, assessments, plans, reviews, tools, profiles.

The protocol story (``zaedno.demo.dataset``) decides when each step's completing record is
made. Where that record is a meeting held, an assessment, a formulation, a plan, a review or a
follow-up check-in, :class:`Casework` makes the real thing through the services at that moment
of the clock — the service records the protocol artefact itself, at the same time as the story
planned — and falls back to the bare record when the real one cannot be made (no assessment to
complete, a service would also complete another step of the story, …), so the story's
compliance states stay as planned.

Around that, on its own seeded random (the story's draws are untouched): meetings scheduled
days before with the team and the parents invited, attendance with the child's and parents'
views, minutes confirmed and locked (the latest still awaiting confirmation), decisions
followed to the end in every state, the six discussion tools, indicators of the difficult-case
profile, follow-up check-ins, and scenes for the personas (overdue decisions in "my work",
upcoming meetings). Everything is synthetic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zaedno.assessments.models import Assessment, AssessmentStatus, NeedLevel
from zaedno.assessments.services import (
    EntryData,
    assessment_complete,
    assessment_start,
    contribution_save,
    formulation_save,
)
from zaedno.cases.access import access_for
from zaedno.cases.models import Case, CaseStatus, Sensitivity, TeamMember
from zaedno.children.models import Relationship, Relative
from zaedno.demo import casework_texts as T
from zaedno.meetings.models import (
    DECISION_OPEN_STATES,
    MEETING_ARTEFACT_KIND,
    Attendance,
    Decision,
    DecisionKind,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ParticipantRole,
    ResponsibleKind,
)
from zaedno.meetings.scan import decision_scan
from zaedno.meetings.services import (
    Guest,
    addendum_add,
    decision_progress,
    decision_record,
    meeting_attendance_record,
    meeting_cancel,
    meeting_hold,
    meeting_minutes_save,
    meeting_schedule,
    minutes_confirm,
)
from zaedno.organisations.models import KIND_SECTOR, OrganisationKind
from zaedno.plans.models import (
    ActionStatus,
    CheckInStatus,
    FollowUpCheckIn,
    Plan,
    PlanKind,
    PlanStatus,
    Progress,
    Who,
)
from zaedno.plans.services import (
    ActionData,
    DraftContent,
    GoalData,
    MeasureData,
    WaymarkData,
    action_status_set,
    add_months,
    content_of,
    followup_complete,
    followup_schedule,
    plan_agree,
    plan_confirm,
    plan_draft_save,
    plan_review_record,
    plan_start,
)
from zaedno.profiles.models import Indicator
from zaedno.profiles.services import indicator_record, indicator_withdraw
from zaedno.protocols.models import CaseStep, StepStatus
from zaedno.tools.models import ToolDocument, ToolKind
from zaedno.tools.services import tool_create, tool_version_add

if TYPE_CHECKING:
    from zaedno.demo.dataset import _Loader

SEED_OFFSET = 2  # the loader's SEED + 2: case work has its own random, the story keeps its draws
REFUSED = (ValidationError, PermissionDenied)
K = OrganisationKind

# Which sector of the team a decision or plan action of each kind of "who" goes to.
WHO_KINDS: dict[str, tuple[str, ...]] = {
    "school": (K.SCHOOL, K.KINDERGARTEN),
    "health": (K.GP, K.HOSPITAL),
    "police": (K.DPS, K.POLICE),
    "cop": (K.COP, K.CSRI, K.CRISIS_CENTRE, K.SOCIAL_SERVICE),
    "ngo": (K.NGO, K.COMMUNITY),
    "organisation": (K.MKBPPMN, K.MUNICIPALITY, K.CSRI, K.NGO, K.COP),
}
# Meetings the whole team is invited to; the later ones bring together two or three of them.
WHOLE_TEAM = (MeetingKind.CONFERENCE_INITIAL, MeetingKind.MULTIDISCIPLINARY_TEAM, MeetingKind.CRISIS)
# The artefacts each real record makes (besides the step it is made for): a record is made
# only when none of them would complete another step of the story.
ASSESSMENT_ARTEFACTS = ("assessment_done[multisector]", "assessment_done[needs]")


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class Casework:
    """Real records for the protocol story, and the case work around them (see the module doc)."""

    def __init__(self, loader: _Loader, seed: int) -> None:
        self.loader = loader
        self.rng = random.Random(seed + SEED_OFFSET)
        self.handlers: dict[str, Callable[[dict, Case, dt.datetime, str], bool]] = {
            "meeting_held[case_conference]": self.conference,
            "meeting_held[multidisciplinary_team]": self.conference,
            "assessment_done[multisector]": self.assessment,
            "assessment_done[needs]": self.assessment,
            "formulation_agreed": self.formulation,
            "plan_agreed[case_plan]": self.plan_agreed,
            "plan_agreed[action_plan]": self.plan_agreed,
            "review_held[plan]": self.review,
            "review_held[follow_up]": self.followup,
            "decision_recorded[closure]": self.closure,
        }

    # -- small helpers -----------------------------------------------------------------------------
    @property
    def now(self) -> dt.datetime:
        return self.loader.clock.now()

    def ctx(self, username: str):
        return self.loader.ctx(username)

    def user(self, username: str):
        return self.loader.users[username]

    def access(self, username: str, case: Case):
        return access_for(self.user(username), case)

    def at(self, when: dt.datetime, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the clock at ``when`` if that is still in the history; a refusal by a
        service (the team changed meanwhile, the case closed) leaves nothing behind."""
        if when >= self.loader.cutoff:
            return

        def guarded() -> None:
            try:
                with transaction.atomic():
                    fn()
            except REFUSED:
                pass

        self.loader.at(when, guarded)

    def team(self, case: Case) -> dict[str, TeamMember]:
        """The active team by username (the lead first)."""
        members = TeamMember.objects.filter(case=case, left_at__isnull=True).select_related(
            "user", "organisation"
        )
        out = {m.user.username: m for m in members.order_by("joined_at", "pk")}
        return out

    def of_kind(self, team: dict[str, TeamMember], who: str) -> str | None:
        kinds = WHO_KINDS.get(who, ())
        names = sorted(u for u, m in team.items() if m.organisation.kind in kinds)
        return self.rng.choice(names) if names else None

    def parents(self, case: Case) -> list[Relative]:
        order = {Relationship.MOTHER: 0, Relationship.FATHER: 1, Relationship.GRANDPARENT: 2}
        rel = list(Relative.objects.filter(child_id=case.child_id))
        rel.sort(key=lambda r: (order.get(r.relationship, 3), r.pk))
        return rel

    def words(self, text: str, case: Case, parent: str = "") -> str:
        return text.format(name=case.child.first_name, mother=parent or "майката")

    def child_age(self, case: Case) -> int:
        return (timezone.localdate(self.now) - case.child.birth_date).days // 365

    def safe(self, case: Case, artefacts: tuple[str, ...], own: str) -> bool:
        """No open or waiting step other than ``own``'s would be completed by ``artefacts``."""
        wanted = set()
        for a in artefacts:
            wanted.add(a)
            wanted.add(a.split("[")[0])
        wanted.discard(own)
        return not CaseStep.objects.filter(
            case=case, status__in=[StepStatus.OPEN, StepStatus.WAITING], completed_by__in=wanted
        ).exists()

    def cw(self, state: dict) -> dict:
        return state.setdefault("cw", {"meetings": {}, "trend": None, "reviews": 0})

    def later(self, start: dt.datetime, low_hours: float, high_hours: float) -> dt.datetime:
        """A moment in office hours ``low``–``high`` hours after ``start``."""
        t = start + dt.timedelta(hours=self.rng.uniform(low_hours, high_hours))
        local = timezone.localtime(t)
        if local.weekday() >= 5:
            t += dt.timedelta(days=7 - local.weekday())
            local = timezone.localtime(t)
        if not 8 <= local.hour < 17:
            day = local.date() + dt.timedelta(days=1 if local.hour >= 17 else 0)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            t = _aware(day, self.rng.randint(8, 16), self.rng.randrange(0, 60, 5))
        return t

    # -- hooks called by the story -----------------------------------------------------------------
    def record(self, state: dict, case: Case, completed_by: str, at: dt.datetime, by: str) -> bool:
        """Make the real record that completes the step; False to let the story make the bare one."""
        handler = self.handlers.get(completed_by)
        if handler is None:
            return False
        try:
            with transaction.atomic():
                made = handler(state, case, at, by, completed_by)
        except REFUSED:
            made = False
        if not made:
            self.drop_meeting(state, completed_by)
        return made

    def prepare(self, state: dict, step: CaseStep, at: dt.datetime) -> None:
        """Called when the story plans a step's record at ``at``: schedule what comes before it
        (the meeting's invitation, the assessment's contributions, the plan's draft)."""
        code = step.completed_by
        clock = self.now
        room = (at - clock).total_seconds() / 3600
        if code in ("meeting_held[case_conference]", "meeting_held[multidisciplinary_team]"):
            kind = (
                MeetingKind.CONFERENCE_INITIAL if "conference" in code else MeetingKind.MULTIDISCIPLINARY_TEAM
            )
            if room > 48:
                self.at(
                    self.later(clock, 1, min(room * 0.5, 200)), lambda: self.schedule(state, code, kind, at)
                )
        elif code in ("assessment_done[multisector]", "assessment_done[needs]"):
            if room > 24:
                start = clock + dt.timedelta(hours=self.rng.uniform(1, min(room * 0.2, 48)))
                self.at(start, lambda: self.assessment_begin(state))
                for n in range(3):
                    when = start + dt.timedelta(
                        hours=(room * 0.75 - (start - clock).total_seconds() / 3600) * (n + 1) / 4
                    )
                    self.at(when, lambda n=n: self.contribute(state, n))
        elif code == "formulation_agreed":
            starts = at - dt.timedelta(hours=2)
            if starts > clock + dt.timedelta(hours=1):
                when = clock + (starts - clock) * self.rng.uniform(0.05, 0.4)
                self.at(when, lambda: self.schedule(state, code, MeetingKind.CONFERENCE_PLANNING, starts))
        elif code in ("plan_agreed[case_plan]", "plan_agreed[action_plan]"):
            starts = at - dt.timedelta(hours=2)
            if starts > clock + dt.timedelta(hours=2):
                kind = PlanKind.CASE_PLAN if "case_plan" in code else PlanKind.ACTION_PLAN
                self.at(
                    clock + (starts - clock) * self.rng.uniform(0.1, 0.5),
                    lambda: self.plan_draft(state, kind),
                )
                if kind == PlanKind.CASE_PLAN and self.rng.random() < 0.15:
                    # Agreed with the wider family; otherwise at the planning conference that
                    # agreed the formulation (see plan_agreed).
                    mkind = MeetingKind.FAMILY_GROUP
                    when = clock + (starts - clock) * self.rng.uniform(0.05, 0.6)
                    self.at(when, lambda: self.schedule(state, code, mkind, starts))
        elif code in ("review_held[plan]", "decision_recorded[closure]"):
            starts = at - dt.timedelta(hours=2)
            if starts > clock + dt.timedelta(days=3) and (
                code != "review_held[plan]" or self.rng.random() < 0.3
            ):
                when = starts - dt.timedelta(days=self.rng.uniform(3, min(14, (starts - clock).days)))
                self.at(when, lambda: self.schedule(state, code, MeetingKind.CONFERENCE_REVIEW, starts))

    def status_changed(self, state: dict, status: str) -> None:
        """Follow-up begins: the first check-in in two or three months (each one done schedules
        the next). At the closing, the check-in still to do is the last one."""
        case = Case.objects.select_related("child").get(pk=state["case"])
        lead = state["lead"]
        try:
            with transaction.atomic():
                if status == CaseStatus.FOLLOW_UP:
                    responsible = lead
                    if "petrov" in self.team(case) and self.rng.random() < 0.6:
                        responsible = "petrov"
                    first = timezone.localdate(self.now) + dt.timedelta(days=self.rng.randint(55, 80))
                    followup_schedule(
                        ctx=self.ctx(lead), access=self.access(lead, case), first_on=first,
                        responsible=self.user(responsible), every_months=3, count=1,
                    )  # fmt: skip
                elif status == CaseStatus.CLOSED:
                    for checkin in FollowUpCheckIn.objects.filter(case=case, status=CheckInStatus.SCHEDULED):
                        followup_complete(
                            ctx=self.ctx(lead), access=self.access(lead, case), checkin=checkin,
                            done_on=timezone.localdate(self.now), child_status=self.words(T.FOLLOWUP_LAST, case),
                        )  # fmt: skip
        except REFUSED:
            pass

    # -- meetings ----------------------------------------------------------------------------------
    def schedule(self, state: dict, code: str, kind: str, starts: dt.datetime) -> Meeting | None:
        """Invite the team (and the parents, the child when old enough) to a meeting at ``starts``."""
        case = Case.objects.select_related("child").get(pk=state["case"])
        if case.status == CaseStatus.CLOSED:
            return None
        lead = state["lead"]
        team = self.team(case)
        if lead not in team:
            return None
        meeting = self.invite(case, lead, kind, starts, team)
        self.cw(state)["meetings"][code] = meeting.pk
        return meeting

    def invite(
        self, case: Case, chair: str, kind: str, starts: dt.datetime, team=None, *, family=True
    ) -> Meeting:
        team = team if team is not None else self.team(case)
        rng = self.rng
        title, agenda = rng.choice(T.MEETINGS[kind])
        guests = []
        if family and kind != MeetingKind.SUPERVISION:
            for r in self.parents(case)[:2]:
                if r.relationship in (Relationship.MOTHER, Relationship.FATHER) or rng.random() < 0.3:
                    guests.append(
                        Guest(name=r.full_name, role=ParticipantRole.PARENT if r.has_parental_rights else ParticipantRole.RELATIVE,
                              role_note=T.RELATIONSHIPS.get(r.relationship, ""))
                    )  # fmt: skip
            if self.child_age(case) >= 12 and kind in (
                MeetingKind.CONFERENCE_PLANNING,
                MeetingKind.CONFERENCE_REVIEW,
                MeetingKind.FAMILY_GROUP,
            ):
                guests.append(
                    Guest(name=case.child.first_name, role=ParticipantRole.CHILD, role_note="детето")
                )
        others = sorted(u for u in team if u != chair)
        if kind not in WHOLE_TEAM and len(others) > 2:
            # Later meetings bring together those working with the child now (the persona stays).
            keep = [u for u in others if u in ("petrov", "stoyanov")]
            others = keep + rng.sample([u for u in others if u not in keep], k=max(0, 2 - len(keep)))
        members = [team[u].user for u in others]
        return meeting_schedule(
            ctx=self.ctx(chair), access=self.access(chair, case), kind=kind, starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=rng.choice([60, 90, 90, 120])), chair=self.user(chair),
            title=self.words(title, case), place=rng.choice(T.PLACES), agenda=self.words(agenda, case),
            members=members, guests=guests,
        )  # fmt: skip

    def drop_meeting(self, state: dict, code: str) -> None:
        """The record was not made after all: the meeting scheduled for it is called off."""
        pk = self.cw(state)["meetings"].pop(code, None)
        if pk is None:
            return
        meeting = Meeting.objects.select_related("case").get(pk=pk)
        if meeting.status != MeetingStatus.SCHEDULED:
            return
        try:
            with transaction.atomic():
                meeting_cancel(
                    ctx=self.ctx(state["lead"]), access=self.access(state["lead"], meeting.case), meeting=meeting,
                    reason=self.rng.choice(T.CANCEL_REASONS),
                )  # fmt: skip
        except REFUSED:
            pass

    def planned_meeting(self, state: dict, code: str, kind: str, starts: dt.datetime) -> Meeting:
        """The meeting scheduled for this record, or one scheduled now (for a meeting called at short notice)."""
        pk = self.cw(state)["meetings"].pop(code, None)
        meeting = Meeting.objects.filter(pk=pk, status=MeetingStatus.SCHEDULED).first() if pk else None
        if meeting is None:
            meeting = self.schedule(state, code, kind, starts)
            self.cw(state)["meetings"].pop(code, None)
        if meeting is None:
            raise ValidationError("no meeting")
        return meeting

    def hold(
        self, state: dict, meeting: Meeting, by: str, *, decisions: int = 3, minutes_kind: str = "",
        confirm: bool = True,
    ) -> Meeting:  # fmt: skip
        """Attendance, held, minutes, the review of open decisions, new decisions; confirmations later."""
        rng = self.rng
        case = Case.objects.select_related("child").get(pk=meeting.case_id)
        team = self.team(case)
        if by not in team and by != state["lead"]:
            by = state["lead"]
        access = self.access(by, case)
        chair_id = meeting.chair_id
        entries = {}
        parent_name = ""
        for p in meeting.participants.all():
            if p.user_id:
                if p.user_id in (chair_id, access.user.pk) or rng.random() < 0.85:
                    entries[p.pk] = (Attendance.PRESENT, "")
                elif rng.random() < 0.8:
                    entries[p.pk] = (Attendance.EXCUSED, rng.choice(T.EXCUSED))
                else:
                    entries[p.pk] = (Attendance.ABSENT, rng.choice(T.ABSENT))
            elif p.role == ParticipantRole.CHILD:
                entries[p.pk] = (Attendance.PRESENT, "във втората част на срещата")
            elif rng.random() < (0.8 if not parent_name else 0.45):
                entries[p.pk] = (Attendance.PRESENT, "")
                parent_name = parent_name or p.name
            else:
                entries[p.pk] = (Attendance.ABSENT, rng.choice(T.ABSENT))
        meeting_attendance_record(ctx=self.ctx(by), access=access, meeting=meeting, entries=entries)
        meeting = meeting_hold(ctx=self.ctx(by), access=access, meeting=meeting)
        kind = minutes_kind or meeting.kind
        meeting = meeting_minutes_save(
            ctx=self.ctx(by), access=access, meeting=meeting, expected_version=meeting.version,
            minutes=self.words(rng.choice(T.MINUTES.get(kind) or T.MINUTES["conference_review"]), case),
            child_views=self.words(rng.choice(T.CHILD_VIEWS), case),
            parents_views=self.words(rng.choice(T.PARENTS_VIEWS), case, parent_name) if parent_name else "",
        )  # fmt: skip
        self.review_open(state, case, meeting, by, access)
        made = 0
        for text, who in rng.sample(T.DECISIONS, k=min(len(T.DECISIONS), decisions * 3)):
            if made >= decisions:
                break
            if self.decide(state, case, meeting, by, access, team, text, who, parent_name):
                made += 1
        if confirm:
            self.plan_confirmations(state, meeting)
        return meeting

    def plan_confirmations(self, state: dict, meeting: Meeting) -> None:
        """Present professionals confirm the minutes over the next days; now and then someone does not."""
        # Those minutes_confirmers() asks: present, in the team, sharing level up to the minutes.
        levels = {
            m.user_id: m.sharing_level
            for m in TeamMember.objects.filter(case_id=meeting.case_id, left_at__isnull=True)
        }
        lead_id = Case.objects.filter(pk=meeting.case_id).values_list("lead_id", flat=True).get()
        confirmers = [
            p.user.username
            for p in meeting.participants.filter(
                attendance=Attendance.PRESENT, user__isnull=False
            ).select_related("user")
            if p.user_id == lead_id or levels.get(p.user_id, 0) >= meeting.sensitivity
        ]
        if confirmers and self.rng.random() < 0.1:
            confirmers.pop(self.rng.randrange(len(confirmers)))
        for username in confirmers:
            when = self.later(self.now, 1, 24 * self.rng.uniform(0.5, 10))
            self.at(when, lambda u=username, pk=meeting.pk: self.confirm(u, pk))
        if self.rng.random() < 0.08:
            when = self.later(self.now, 24 * 8, 24 * 30)
            self.at(when, lambda pk=meeting.pk: self.addendum(state, pk))

    def confirm(self, username: str, meeting_pk: int) -> None:
        meeting = Meeting.objects.select_related("case").get(pk=meeting_pk)
        if meeting.status != MeetingStatus.HELD:
            return
        access = self.access(username, meeting.case)
        if access is None:
            return
        minutes_confirm(ctx=self.ctx(username), access=access, meeting=meeting)

    def addendum(self, state: dict, meeting_pk: int) -> None:
        meeting = Meeting.objects.select_related("case").get(pk=meeting_pk)
        if meeting.status == MeetingStatus.LOCKED:
            lead = state["lead"]
            addendum_add(
                ctx=self.ctx(lead), access=self.access(lead, meeting.case), meeting=meeting,
                text=self.rng.choice(T.ADDENDA),
            )  # fmt: skip

    # -- decisions ---------------------------------------------------------------------------------
    def responsible(self, case, team, who: str, lead: str, parent_name: str) -> dict | None:
        if who == "lead":
            return {"responsible_kind": ResponsibleKind.PROFESSIONAL, "responsible_user": self.user(lead)}
        if who == "parent":
            name = parent_name or next((r.full_name for r in self.parents(case)), "")
            return (
                {"responsible_kind": ResponsibleKind.PARENT, "responsible_name": f"{name} (родител)"}
                if name
                else None
            )
        if who == "child":
            return {"responsible_kind": ResponsibleKind.CHILD, "responsible_name": case.child.first_name}
        username = self.of_kind(team, who)
        if username is None:
            return None
        if who == "organisation" or (who == "ngo" and self.rng.random() < 0.5):
            return {
                "responsible_kind": ResponsibleKind.ORGANISATION,
                "responsible_organisation": team[username].organisation,
            }
        return {"responsible_kind": ResponsibleKind.PROFESSIONAL, "responsible_user": team[username].user}

    def decide(
        self, state, case, meeting, by, access, team, text, who, parent_name, *, due=None, fate=True, **extra
    ):
        """Record a decision and plan how it goes: done, not done, left open, in progress."""
        resp = self.responsible(case, team, who, state["lead"], parent_name)
        if resp is None:
            return None
        due = due or timezone.localdate(self.now) + dt.timedelta(
            days=self.rng.choice([7, 10, 14, 14, 21, 30, 45])
        )
        decision = decision_record(
            ctx=self.ctx(by),
            access=access,
            meeting=meeting,
            text=self.words(text, case),
            due_on=due,
            **resp,
            **extra,
        )
        if fate:
            self.fate(state, decision)
        return decision

    def actor_for(self, state: dict, decision: Decision) -> str:
        user = decision.responsible_user
        if (
            user is not None
            and TeamMember.objects.filter(case_id=decision.case_id, user=user, left_at__isnull=True).exists()
        ):
            return user.username
        return state["lead"]

    def progress(self, state: dict, pk: int, status: str = "", text: str = "", reason: str = "") -> None:
        decision = Decision.objects.select_related("responsible_user", "case").get(pk=pk)
        if decision.status not in DECISION_OPEN_STATES or decision.case.status == CaseStatus.CLOSED:
            return
        username = self.actor_for(state, decision)
        decision_progress(
            ctx=self.ctx(username), access=self.access(username, decision.case), decision=decision,
            text=text, status=status, reason=reason,
        )  # fmt: skip

    def fate(self, state: dict, decision: Decision) -> None:
        """How the decision goes: long past ones are resolved, recent ones partly open (overdue)."""
        rng = self.rng
        created = self.now
        end = min(self.loader._ends(state, created), self.loader.cutoff)
        closes = end < self.loader.cutoff
        due = _aware(decision.due_on, 16)
        pk = decision.pk
        r = rng.random()

        def at(when, status="", text="", reason=""):
            when = min(when, end - dt.timedelta(hours=2))
            if when > created + dt.timedelta(hours=1):
                self.at(self.later(when, 0, 1), lambda: self.progress(state, pk, status, text, reason))

        if rng.random() < 0.5:
            at(
                created + (due - created) * rng.uniform(0.2, 0.6),
                DecisionStatus.IN_PROGRESS,
                rng.choice(T.PROGRESS_NOTES),
            )
        if due + dt.timedelta(days=30) < end or closes:
            if r < 0.85:
                at(
                    created + (due + dt.timedelta(days=4) - created) * rng.uniform(0.6, 1.0),
                    DecisionStatus.DONE,
                    rng.choice(T.DONE_NOTES),
                )
            else:
                at(
                    due + dt.timedelta(days=rng.uniform(1, 10)),
                    DecisionStatus.NOT_DONE,
                    reason=rng.choice(T.NOT_DONE_REASONS),
                )
        elif due < end:
            if r < 0.5:
                at(
                    created + (due - created) * rng.uniform(0.6, 1.0),
                    DecisionStatus.DONE,
                    rng.choice(T.DONE_NOTES),
                )
            elif r < 0.6:
                at(
                    due + dt.timedelta(days=rng.uniform(1, 5)),
                    DecisionStatus.NOT_DONE,
                    reason=rng.choice(T.NOT_DONE_REASONS),
                )
            # else: still open or in progress, past its date: overdue
        elif r < 0.3:
            at(created + (end - created) * rng.uniform(0.3, 0.9), text=rng.choice(T.PROGRESS_NOTES))

    def review_open(self, state, case, meeting, by, access) -> None:
        """The meeting opens with the review of open decisions: a note on some, a new decision in
        place of one that no longer fits."""
        earlier = Decision.objects.filter(
            case=case, status__in=DECISION_OPEN_STATES, meeting__starts_at__lt=meeting.starts_at
        ).select_related("meeting", "responsible_user")
        team = self.team(case)
        kept = set(self.cw(state).get("scene", []))
        for d in earlier:
            if not access.sees(d.sensitivity) or d.pk in kept:
                continue
            r = self.rng.random()
            if r < 0.15:
                text = self.rng.choice(T.SUPERSEDE)
                args = (state, case, meeting, by, access, team, text)
                if self.decide(*args, "cop", "", supersedes=[d]) or self.decide(
                    *args, "lead", "", supersedes=[d]
                ):
                    continue
            if r < 0.45:
                decision_progress(
                    ctx=self.ctx(by), access=access, decision=d, meeting=meeting,
                    text="Прегледано на срещата: " + self.rng.choice(T.PROGRESS_NOTES).lower(),
                )  # fmt: skip

    # -- the records of the story ------------------------------------------------------------------
    def conference(self, state, case, at, by, code) -> bool:
        kind = MeetingKind.CONFERENCE_INITIAL if "conference" in code else MeetingKind.MULTIDISCIPLINARY_TEAM
        meeting = self.planned_meeting(state, code, kind, at)
        meeting = self.hold(state, meeting, by, decisions=self.rng.randint(2, 3))
        self.first_tools(state, case, meeting)
        self.indicators(state, case)
        return True

    def assessment_begin(self, state: dict) -> None:
        case = Case.objects.get(pk=state["case"])
        if Assessment.objects.filter(case=case, status=AssessmentStatus.DRAFT).exists():
            return
        lead = state["lead"]
        assessment_start(ctx=self.ctx(lead), access=self.access(lead, case))

    def contribute(self, state: dict, n: int) -> None:
        case = Case.objects.select_related("child").get(pk=state["case"])
        draft = Assessment.objects.filter(case=case, status=AssessmentStatus.DRAFT).first()
        if draft is None:
            return
        team = self.team(case)
        done = set(draft.contributions.values_list("sector", flat=True))
        by_sector: dict[str, str] = {}
        for u, m in team.items():
            sector = KIND_SECTOR[m.organisation.kind]
            if sector not in done and sector in T.SECTOR_DOMAINS:
                by_sector.setdefault(sector, u)
        if not by_sector:
            return
        sector = "social" if n == 0 and "social" in by_sector else self.rng.choice(sorted(by_sector))
        username = by_sector[sector]
        access = self.access(username, case)
        heavy = state["category"] in ("violence", "neglect", "antisocial") and self.rng.random() < 0.6
        domains = self.rng.sample(
            T.SECTOR_DOMAINS[sector], k=min(len(T.SECTOR_DOMAINS[sector]), self.rng.randint(3, 5))
        )
        entries = []
        for i, domain in enumerate(domains):
            strengths, concerns, needs = self.rng.choice(T.ENTRIES[domain])
            if heavy and i < 3:
                level = NeedLevel.SIGNIFICANT
            else:
                level = self.rng.choice(
                    [NeedLevel.NONE, NeedLevel.SOME, NeedLevel.SOME, NeedLevel.SIGNIFICANT]
                )
            entries.append(EntryData(domain=domain, strengths=self.words(strengths, case), concerns=self.words(concerns, case),
                                     needs=self.words(needs, case), level=level))  # fmt: skip
        sensitivity = Sensitivity.SENSITIVE if sector in ("health", "police") else Sensitivity.STANDARD
        if not access.sees(sensitivity):
            sensitivity = Sensitivity.STANDARD
        contribution_save(
            ctx=self.ctx(username), access=access, assessment=draft, entries=entries, sensitivity=sensitivity,
            sources=self.rng.choice(T.SOURCES),
        )  # fmt: skip

    def assessment(self, state, case, at, by, code) -> bool:
        if self.now != at or not self.safe(case, ASSESSMENT_ARTEFACTS, code):
            return False
        draft = Assessment.objects.filter(case=case, status=AssessmentStatus.DRAFT).first()
        if draft is None:
            return False
        if not draft.contributions.exists():
            self.contribute(state, 0)
        lead = state["lead"]
        assessment_complete(
            ctx=self.ctx(lead),
            access=self.access(lead, case),
            assessment=draft,
            expected_version=draft.version,
        )
        if state["category"] in ("neglect", "parental_conflict", "disability") and self.rng.random() < 0.5:
            self.tool(case, lead, ToolKind.SAFE_FAMILY, self.safe_family(case))
        return True

    def formulation(self, state, case, at, by, code) -> bool:
        if self.now != at or not self.safe(case, ("formulation_agreed",), code):
            return False
        assessment = (
            Assessment.objects.filter(case=case, formulation_agreed_at__isnull=True)
            .exclude(status=AssessmentStatus.SUPERSEDED)
            .order_by("-number")
            .first()
        )
        if assessment is None or not self.safe(case, ("meeting_held[case_conference]",), ""):
            return False
        meeting = self.planned_meeting(
            state, code, MeetingKind.CONFERENCE_PLANNING, at - dt.timedelta(hours=2)
        )
        meeting = self.hold(state, meeting, by, decisions=1)
        hypothesis, maintaining, communicating, protective = T.FORMULATIONS[state["category"]]
        lead = state["lead"]
        formulation_save(
            ctx=self.ctx(lead), access=self.access(lead, case), assessment=assessment,
            expected_version=assessment.version, hypothesis=self.words(hypothesis, case),
            maintaining=self.words(maintaining, case), communicating=self.words(communicating, case),
            protective=self.words(protective, case), meeting=meeting,
        )  # fmt: skip
        return True

    def plan_content(self, state: dict, case: Case, kind: str) -> DraftContent:
        rng = self.rng
        team = self.team(case)
        today = timezone.localdate(self.now)
        domains = rng.sample(list(T.GOALS), k=rng.randint(2, 4))
        if kind == PlanKind.ACTION_PLAN and "emotional" not in domains:
            domains[0] = "emotional"
        goals = []
        for i, domain in enumerate(domains):
            goal, waymarks = T.GOALS[domain]
            goals.append(
                GoalData(domain=domain, text=self.words(goal, case), key=f"g{i}", waymarks=[
                    WaymarkData(text=self.words(w, case), target_on=today + dt.timedelta(days=30 * (j + 1) + rng.randint(0, 20)))
                    for j, w in enumerate(waymarks)
                ])
            )  # fmt: skip
        actions = []
        parent = next((r.full_name for r in self.parents(case)), "")
        for text, who in rng.sample(T.ACTIONS, k=rng.randint(4, 7)):
            due = today + dt.timedelta(days=rng.choice([14, 30, 45, 60, 90]))
            goal_key = f"g{rng.randrange(len(goals))}"
            if who in ("lead",):
                actions.append(
                    ActionData(
                        text=text,
                        who_kind=Who.PROFESSIONAL,
                        who_user=self.user(state["lead"]),
                        due_on=due,
                        goal_key=goal_key,
                    )
                )
            elif who == "parent" and parent:
                actions.append(
                    ActionData(text=text, who_kind=Who.PARENT, who_name=parent, due_on=due, goal_key=goal_key)
                )
            elif who == "child":
                actions.append(ActionData(text=text, who_kind=Who.CHILD, due_on=due, goal_key=goal_key))
            elif who == "community":
                actions.append(
                    ActionData(
                        text=text,
                        who_kind=Who.COMMUNITY,
                        who_name=rng.choice(T.COMMUNITY),
                        due_on=due,
                        goal_key=goal_key,
                    )
                )
            else:
                username = self.of_kind(team, who)
                if username and rng.random() < 0.75:
                    actions.append(
                        ActionData(
                            text=text,
                            who_kind=Who.PROFESSIONAL,
                            who_user=team[username].user,
                            due_on=due,
                            goal_key=goal_key,
                        )
                    )
                elif username:
                    actions.append(
                        ActionData(
                            text=text,
                            who_kind=Who.ORGANISATION,
                            who_organisation=team[username].organisation,
                            due_on=due,
                            goal_key=goal_key,
                        )
                    )
        return DraftContent(
            purpose=self.words(T.PURPOSES[state["category"]], case), child_words=rng.choice(T.CHILD_WORDS) if self.child_age(case) >= 6 else "",
            parents_words=rng.choice(T.PARENTS_WORDS), goals=goals, actions=actions,
        )  # fmt: skip

    def plan_draft(self, state: dict, kind: str) -> None:
        case = Case.objects.select_related("child").get(pk=state["case"])
        if Plan.objects.filter(case=case, kind=kind).exists():
            return
        lead = state["lead"]
        access = self.access(lead, case)
        plan = plan_start(ctx=self.ctx(lead), access=access, kind=kind)
        plan_draft_save(
            ctx=self.ctx(lead), access=access, plan=plan, expected_version=plan.version,
            content=self.plan_content(state, case, kind),
        )  # fmt: skip

    def plan_agreed(self, state, case, at, by, code) -> bool:
        kind = PlanKind.CASE_PLAN if "case_plan" in code else PlanKind.ACTION_PLAN
        if self.now != at or not self.safe(case, (code,), code):
            return False
        draft = Plan.objects.filter(case=case, kind=kind, status=PlanStatus.DRAFT).first()
        if draft is None:
            if Plan.objects.filter(case=case, kind=kind).exists():
                return False
            self.plan_draft(state, kind)
            draft = Plan.objects.get(case=case, kind=kind, status=PlanStatus.DRAFT)
        if code in self.cw(state)["meetings"]:
            meeting = self.planned_meeting(state, code, MeetingKind.FAMILY_GROUP, at - dt.timedelta(hours=2))
            if not self.safe(case, (f"meeting_held[{MEETING_ARTEFACT_KIND[meeting.kind]}]",), ""):
                raise ValidationError("the meeting would complete another step")
            meeting = self.hold(state, meeting, by, decisions=1)
        else:
            # The planning conference of the last weeks, where the draft was discussed.
            meeting = (
                Meeting.objects.filter(
                    case=case, status__in=[MeetingStatus.HELD, MeetingStatus.LOCKED],
                    starts_at__gte=self.now - dt.timedelta(days=30),
                )
                .order_by("-starts_at")
                .first()
            )  # fmt: skip
            if meeting is None:
                return False
        self.agree(state, case, draft, meeting)
        return True

    def agree(self, state: dict, case: Case, draft: Plan, meeting: Meeting) -> None:
        lead = state["lead"]
        plan = plan_agree(ctx=self.ctx(lead), access=self.access(lead, case), plan=draft, meeting=meeting)
        for username in self.team(case):
            if username != lead and self.rng.random() < 0.85:
                when = self.later(self.now, 2, 24 * 7)
                self.at(when, lambda u=username, pk=plan.pk: self.confirm_plan(u, pk))

    def confirm_plan(self, username: str, plan_pk: int) -> None:
        plan = Plan.objects.select_related("case").get(pk=plan_pk)
        access = self.access(username, plan.case)
        if access is None or plan.status != PlanStatus.AGREED:
            return
        plan_confirm(ctx=self.ctx(username), access=access, plan=plan)

    def measures(self, state: dict, case: Case, today: dt.date) -> list[MeasureData]:
        """Outcome measures moving over time: mostly better, sometimes a step back."""
        rng = self.rng
        cw = self.cw(state)
        if cw["trend"] is None:
            cw["trend"] = {"safety_scale": rng.uniform(2, 5), "school_attendance": rng.uniform(50, 80),
                           "child_wellbeing": rng.uniform(3, 6), "parents_engagement": rng.uniform(3, 6)}  # fmt: skip
        t = cw["trend"]
        out = []
        for measure, step, high in (
            ("safety_scale", 1.2, 10),
            ("school_attendance", 8, 100),
            ("child_wellbeing", 0.9, 10),
            ("parents_engagement", 0.8, 10),
        ):
            if measure == "school_attendance" and self.child_age(case) < 6:
                continue
            out.append(MeasureData(measure=measure, value=round(min(high, max(0, t[measure])), 1), measured_on=today,
                                   source="оценка на участниците в прегледа" if measure != "school_attendance" else "дневник на класа"))  # fmt: skip
            t[measure] = t[measure] + step * rng.uniform(-0.5, 1.3)
        return out

    def review(self, state, case, at, by, code) -> bool:
        if self.now != at or not self.safe(case, (code,), code):
            return False
        plan = Plan.objects.filter(case=case, kind=PlanKind.CASE_PLAN, status=PlanStatus.AGREED).first()
        if plan is None:
            return False
        rng = self.rng
        lead = state["lead"]
        meeting = None
        pk = self.cw(state)["meetings"].get(code)
        if pk:
            meeting = self.planned_meeting(
                state, code, MeetingKind.CONFERENCE_REVIEW, at - dt.timedelta(hours=2)
            )
            meeting = self.hold(state, meeting, by, decisions=1)
        access = self.access(lead, case)
        today = timezone.localdate(self.now)
        open_actions = plan.actions.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
        for action in open_actions.order_by("due_on")[:3]:  # the review looks at the most pressing
            r = rng.random()
            if action.due_on and action.due_on <= today and r < 0.8:
                status, reason = (
                    (ActionStatus.DONE, "")
                    if r < 0.7
                    else (ActionStatus.NOT_DONE, rng.choice(T.NOT_DONE_REASONS))
                )
            elif action.status == ActionStatus.PLANNED and r < 0.6:
                status, reason = ActionStatus.IN_PROGRESS, ""
            else:
                continue
            action_status_set(ctx=self.ctx(lead), access=access, action=action, status=status, reason=reason)
        progress = {g.pk: (rng.choice([Progress.PROGRESSING, Progress.PROGRESSING, Progress.ACHIEVED, Progress.NOT_STARTED]),
                           rng.choice(T.PROGRESS_GOAL_NOTES)) for g in plan.goals.all()}  # fmt: skip
        plan_review_record(
            ctx=self.ctx(lead), access=access, plan=plan, held_on=today, summary=rng.choice(T.REVIEW_SUMMARIES),
            meeting=meeting, progress=progress, measures=self.measures(state, case, today),
        )  # fmt: skip
        self.cw(state)["reviews"] += 1
        self.safety_map_again(case, lead, meeting)
        if meeting is not None and self.cw(state)["reviews"] >= 2 and rng.random() < 0.35:
            self.new_version(state, case, plan, meeting)
        return True

    def new_version(self, state: dict, case: Case, plan: Plan, meeting: Meeting) -> None:
        """The review changes the plan: version n+1 agreed at the same meeting, n superseded."""
        if not self.safe(case, ("plan_agreed[case_plan]",), ""):
            return
        lead = state["lead"]
        access = self.access(lead, case)
        draft = plan_start(ctx=self.ctx(lead), access=access, kind=plan.kind)
        content = content_of(draft)
        today = timezone.localdate(self.now)
        for goal in content.goals:
            for w in goal.waymarks:
                if w.achieved_on is None and w.target_on and w.target_on <= today:
                    w.achieved_on = w.target_on
        content.actions = [
            a for a in content.actions if a.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
        ]
        for a in content.actions:
            a.due_on = today + dt.timedelta(days=self.rng.choice([30, 45, 60]))
        content.actions.append(ActionData(text="Съвместна среща с детето и родителите веднъж месечно.", who_kind=Who.PROFESSIONAL,
                                          who_user=self.user(lead), due_on=today + dt.timedelta(days=30)))  # fmt: skip
        content.parents_words = self.rng.choice(T.PARENTS_WORDS)
        plan_draft_save(
            ctx=self.ctx(lead), access=access, plan=draft, expected_version=draft.version, content=content
        )
        self.agree(state, case, draft, meeting)

    def followup(self, state, case, at, by, code) -> bool:
        if self.now != at or not self.safe(case, (code,), code):
            return False
        lead = state["lead"]
        access = self.access(lead, case)
        today = timezone.localdate(self.now)
        checkin = (
            FollowUpCheckIn.objects.filter(case=case, status=CheckInStatus.SCHEDULED)
            .order_by("due_on")
            .first()
        )
        if checkin is None:
            followup_schedule(
                ctx=self.ctx(lead), access=access, first_on=today, responsible=self.user(lead), count=1
            )
            checkin = (
                FollowUpCheckIn.objects.filter(case=case, status=CheckInStatus.SCHEDULED)
                .order_by("due_on")
                .first()
            )
        who = checkin.responsible.username
        if (
            self.access(who, case) is None
            or not TeamMember.objects.filter(
                case=case, user=checkin.responsible, left_at__isnull=True
            ).exists()
        ):
            who = lead
        concern = self.rng.choice(T.FOLLOWUP_CONCERNS) if self.rng.random() < 0.2 else ""
        followup_complete(
            ctx=self.ctx(who), access=self.access(who, case), checkin=checkin, done_on=today,
            child_status=self.words(self.rng.choice(T.FOLLOWUP_STATUS), case), concern=concern,
            next_due_on=add_months(today, 3),
        )  # fmt: skip
        return True

    def closure(self, state, case, at, by, code) -> bool:
        if self.now != at or not self.safe(case, (code,), code):
            return False
        pk = self.cw(state)["meetings"].get(code)
        if not pk:
            return False
        meeting = self.planned_meeting(state, code, MeetingKind.CONFERENCE_REVIEW, at - dt.timedelta(hours=2))
        meeting = self.hold(state, meeting, by, decisions=0)
        lead = state["lead"]
        decision = decision_record(
            ctx=self.ctx(lead), access=self.access(lead, case), meeting=meeting, kind=DecisionKind.CLOSURE,
            text="Случаят се приключва: целите на плана са постигнати, рискът е намален, няма нови сигнали в периода на "
            "проследяване; детето и родителите са изслушани.",
            responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user=self.user(lead),
            due_on=timezone.localdate(self.now) + dt.timedelta(days=5),
        )  # fmt: skip
        when = self.later(self.now, 2, 48)
        end = self.loader._ends(state, self.now)
        if when < end:
            self.at(
                when,
                lambda: self.progress(
                    state, decision.pk, DecisionStatus.DONE, "Семейството и екипът са уведомени."
                ),
            )
        return True

    # -- tools and indicators ----------------------------------------------------------------------
    def tool(self, case: Case, username: str, kind: str, data: dict, meeting=None, title: str = ""):
        access = self.access(username, case)
        sensitivity = Sensitivity.STANDARD if kind != ToolKind.SAFETY_MAP else Sensitivity.SENSITIVE
        if not access.sees(sensitivity):
            sensitivity = Sensitivity.STANDARD
        return tool_create(
            ctx=self.ctx(username), access=access, kind=kind, data=data, meeting=meeting, sensitivity=sensitivity,
            title=title,
        )  # fmt: skip

    def first_tools(self, state: dict, case: Case, meeting: Meeting) -> None:
        rng = self.rng
        lead = state["lead"]
        if state["category"] in ("violence", "neglect", "parental_conflict") and rng.random() < 0.5:
            self.tool(case, lead, ToolKind.SAFETY_MAP, self.safety_map(case, meeting, 0), meeting)
        if rng.random() < 0.3:
            self.tool(case, lead, ToolKind.NETWORK_MAP, self.network_map(case))
        if rng.random() < 0.15:
            self.tool(case, lead, ToolKind.DISINTEGRATION_GRID, self.grid(case))

    def safety_map_again(self, case: Case, username: str, meeting) -> None:
        doc = ToolDocument.objects.filter(case=case, kind=ToolKind.SAFETY_MAP).order_by("pk").first()
        if doc is None or meeting is None:
            return
        access = self.access(username, case)
        tool_version_add(
            ctx=self.ctx(username), access=access, document=doc, expected_version=doc.version,
            data=self.safety_map(case, meeting, doc.version), meeting=meeting,
        )  # fmt: skip

    def indicators(self, state: dict, case: Case) -> None:
        rng = self.rng
        kinds = {
            "antisocial": [("conflict_with_law", 0.7), ("running_away", 0.3), ("substance_use", 0.2)],
            "dropout": [("school_absence", 0.8), ("refusal_of_help", 0.3)],
            "neglect": [("refusal_of_help", 0.3)],
            "violence": [("violence_suspected", 0.2), ("refusal_of_help", 0.15)],
        }.get(state["category"], [])
        lead = state["lead"]
        for kind, p in kinds:
            if rng.random() < p and not Indicator.objects.filter(case=case, kind=kind).exists():
                indicator = indicator_record(
                    ctx=self.ctx(lead), access=self.access(lead, case), kind=kind, note=T.INDICATORS[kind]
                )
                if kind == "refusal_of_help" and rng.random() < 0.5:
                    when = self.later(self.now, 24 * 30, 24 * 90)
                    self.at(when, lambda i=indicator.pk: self.withdraw(state, i))

    def withdraw(self, state: dict, indicator_pk: int) -> None:
        indicator = Indicator.objects.select_related("case").get(pk=indicator_pk)
        lead = state["lead"]
        indicator_withdraw(
            ctx=self.ctx(lead),
            access=self.access(lead, indicator.case),
            indicator=indicator,
            note=T.INDICATOR_WITHDRAW,
        )

    # -- the tools' content ------------------------------------------------------------------------
    def people(self, case: Case) -> list[tuple[str, str, str]]:
        """(name, role, group) of the team around the child."""
        out = []
        for m in self.team(case).values():
            group = {"education": "school", "health": "health", "police": "justice", "social": "social"}.get(
                KIND_SECTOR[m.organisation.kind], "other"
            )
            role = f"{T.PROFESSIONS.get(m.user.profession, '')}, {m.organisation.short_name or m.organisation.name}"
            out.append((m.user.get_full_name(), role, group))
        return out

    def safety_map(self, case: Case, meeting, n: int) -> dict:
        name = case.child.first_name
        base = 3 + 2 * n
        ratings = []
        for i, (person, role, _g) in enumerate(self.people(case)[:4]):
            ratings.append({"name": person, "role": role, "rating": min(10, base + self.rng.randint(-1, 2) + (i == 0)),
                            "comment": "Бащата вече не живее в жилището." if n else "Насилието е скорошно; майката още се колебае."})  # fmt: skip
        parent = next((r for r in self.parents(case)), None)
        if parent:
            ratings.append({"name": parent.full_name, "role": T.RELATIONSHIPS.get(parent.relationship, ""), "rating": min(10, base + 3),
                            "comment": "Вкъщи вече е спокойно." if n else "Ще се справим, ако ни помогнат."})  # fmt: skip
        ratings.append({"name": name, "role": "детето", "rating": min(10, base + self.rng.randint(0, 2)),
                        "comment": "„Вече не ме е страх вечер.“" if n else "„Страх ме е, когато татко вика.“"})  # fmt: skip
        return {
            "harm": f"{name} е присъствал(а) на скандали с насилие между родителите; веднъж е бил(а) ударен(а).",
            "danger": "Ако нищо не се промени, екипът се тревожи, че детето отново ще бъде наранено, когато бащата пие.",
            "complicating": "Бащата отрича; майката зависи финансово от него; семейството живее далеч от роднини.",
            "strengths": "Майката потърси помощ сама. Бабата е близо до детето. Детето ходи редовно на училище.",
            "existing_safety": "Когато бащата пие, майката води децата при съседката; това се е случвало три пъти.",
            "safety_goals": f"Всички да са сигурни, че {name} е в безопасност у дома и знае към кого да се обърне.",
            "next_steps": "План за безопасност с майката и бабата до петък; консултации в ЦОП; посещения от ДПС.",
            "scale_question": "От 0 до 10, където 10 е „детето е достатъчно в безопасност, за да приключим“.",
            "ratings": ratings,
        }

    def network_map(self, case: Case) -> dict:
        name = case.child.first_name
        people = [
            {"name": r.full_name, "group": "family", "closeness": "close" if r.lives_with_child else "distant",
             "conflict": r.relationship == Relationship.FATHER and not r.lives_with_child, "note": T.RELATIONSHIPS.get(r.relationship, "")}
            for r in self.parents(case)
        ]  # fmt: skip
        people += [
            {"name": "Сестра (8 г.)", "group": "family", "closeness": "close", "conflict": False, "note": "живее с детето"},
            {"name": "Най-добър приятел от класа", "group": "friends", "closeness": "close", "conflict": False, "note": ""},
            {"name": "Треньор, СК „Царевец“", "group": "community", "closeness": "medium", "conflict": False, "note": "тренировки 3 пъти седмично"},
            {"name": "Съседка", "group": "community", "closeness": "medium", "conflict": False, "note": "приютява децата при скандал"},
        ]  # fmt: skip
        for person, role, group in self.people(case)[:5]:
            people.append({"name": person, "group": group, "closeness": self.rng.choice(["close", "medium", "distant"]),
                           "conflict": False, "note": role[:300]})  # fmt: skip
        return {
            "centre": name,
            "notes": "Подкрепата е в семейството по майчина линия и в спорта; напрежение с бащата. Липсва връзка с личния лекар.",
            "people": people[:12],
        }

    def grid(self, case: Case) -> dict:
        name = case.child.first_name
        rows = []
        parent = next((r for r in self.parents(case)), None)
        if parent:
            rows.append({"name": parent.full_name, "role": T.RELATIONSHIPS.get(parent.relationship, ""), "problem": "Училището не разбира детето.",
                         "action": "Да сменим класа.", "who_does_what": "Директорът.", "convergence": "differ"})  # fmt: skip
        views = [
            (
                "Отсъствията и конфликтите в междучасията.",
                "Наставник в класа и срещи с психолога.",
                "Училището.",
            ),
            (
                "Напрежението у дома, което детето носи в училище.",
                "Подкрепа за майката и за детето.",
                "ЦОП и ОЗД.",
            ),
            (
                f"{name} се чувства сам(а) и търси внимание.",
                "Занимание след училище, в което е успешно(а).",
                "Общността и семейството.",
            ),
        ]
        for (person, role, _g), (problem, action, who) in zip(self.people(case), views, strict=False):
            rows.append({"name": person, "role": role, "problem": problem, "action": action, "who_does_what": who,
                         "convergence": self.rng.choice(["converge", "partly"])})  # fmt: skip
        return {
            "focus": f"Отсъствията на {name} от училище от септември",
            "summary": "Майката вижда проблема в училището, професионалистите — в напрежението у дома. Следваща среща с майката, която започва от това, в което сме съгласни.",
            "rows": rows,
        }

    def thinking_together(self, case: Case, lead: str, colleague: str) -> dict:
        name = case.child.first_name
        return {
            "participants": f"{self.user(lead).get_full_name()} и {self.user(colleague).get_full_name()}",
            "task": "Да реша как да говоря с майката, без да прекъсне работата с нас.",
            "case_statement": f"{name}, отсъствия, майката не идва на срещите от месец; последната среща завърши с викане.",
            "mentalize_worker": "Ядосана съм и се чувствам безсилна; страхувам се, че ще пропуснем нещо важно.",
            "mentalize_child": "Може би детето се срамува, че всички говорят за семейството му.",
            "mentalize_family": "Майката вероятно се страхува, че ще ѝ вземат детето, и затова избягва срещите.",
            "mentalize_network": "Училището чака ОЗД да „направи нещо“; ЦОП чака майката да дойде сама.",
            "decision": "Обаждам се на майката утре и предлагам среща у дома, заедно с психолога от ЦОП; започваме с това, което върви добре.",
        }

    def team_around_worker(self, case: Case, lead: str) -> dict:
        supporters = [
            {"name": self.user("nikolova").get_full_name(), "role": "началник на ОЗД", "support": "supervision", "contact": "вътр. 214, всеки вторник"},
            {"name": self.user("hristova").get_full_name(), "role": "социален работник, ОЗД", "support": "cover", "contact": "при отпуск и болничен"},
        ]  # fmt: skip
        for person, role, _g in self.people(case)[1:4]:
            supporters.append(
                {
                    "name": person,
                    "role": role[:200],
                    "support": self.rng.choice(["advice", "link", "practical"]),
                    "contact": "по телефона в работно време",
                }
            )
        return {"keyworker": self.user(lead).get_full_name(), "keyworker_role": "социален работник, водещ на случая, ОЗД Велико Търново",
                "notes": "Нужна е редовна супервизия: случаят е тежък и е рисково да остана сама с решенията.", "supporters": supporters}  # fmt: skip

    def safe_family(self, case: Case) -> dict:
        name = case.child.first_name
        return {
            "daily_care_strengths": "Майката готви всеки ден; детето има чисти дрехи.", "daily_care_concerns": "В края на месеца храната не стига.",
            "daily_care_evidence": "Посещение в дома на 12-о число; разговор с класния ръководител.",
            "safety_strengths": "Майката знае къде е детето след училище.", "safety_concerns": "Вечер детето остава само с по-малката сестра.",
            "safety_evidence": "Разказ на детето пред психолога.",
            "feelings_strengths": "Майката прегръща детето и го хвали пред нас.", "feelings_concerns": "Когато е уморена, крещи.",
            "feelings_evidence": "Наблюдение по време на посещението.",
            "stimulation_strengths": "Бабата чете с детето.", "stimulation_concerns": "Няма място за уроци.", "stimulation_evidence": "Посещение в дома.",
            "rules_strengths": "Има час за прибиране.", "rules_concerns": "Правилата не се спазват, когато бащата е вкъщи.", "rules_evidence": "Разговор с двамата родители.",
            "identity_strengths": f"{name} се гордее със спорта.", "identity_concerns": "", "identity_evidence": "Грамота на стената в стаята.",
            "relationships_strengths": "Силна връзка с бабата и сестрата.", "relationships_concerns": "Конфликт между родителите.",
            "relationships_evidence": "Мрежова карта, изготвена с майката.",
            "family_view": "„Справяме се, когато ни помагат; не искаме да ни съдят.“ — майката",
            "summary": "Семейството има на какво да стъпи: топлината на майката и бабата. Работим върху вечерите и правилата.",
        }  # fmt: skip

    # -- scenes for the personas -------------------------------------------------------------------
    def plan(self) -> None:
        """Scenes that must be there whatever day the demo is loaded (planned on the story's states)."""
        loader = self.loader
        now = loader.now
        open_states = [
            s for s in loader.states
            if not s["second"] and (now - s["opened_at"]).days >= 100 and s["script"] != "fresh"
            and not any(status == CaseStatus.CLOSED for _w, status in s["changes"])
        ]  # fmt: skip
        mine = [s for s in open_states if s["lead"] == "ivanova" and "petrov" in s["planned"]]
        mine += [s for s in open_states if s["lead"] == "ivanova" and s not in mine]
        if mine:
            showcase = mine[0]
            self.showcase(showcase)
        his = [s for s in loader.states if s["lead"] == "stoyanov" and not s["changes"]]
        ozd = [s for s in open_states if s["lead"] in ("hristova", "marinov")]
        petrov = [s for s in open_states if "petrov" in s["planned"] and s not in mine[:1]]
        for s in his[:1] + ozd[:1] + petrov[:1] + mine[1:2]:
            self.upcoming(s, cancel=s in ozd[:1])
        for day in range(12, 0, -1):
            when = _aware((now - dt.timedelta(days=day)).date(), 7, 5)
            self.at(when, lambda when=when: decision_scan(when))

    def showcase(self, state: dict) -> None:
        """ivanova's case with every tool, a supervision, decisions overdue for her and petrov, and
        a superseded one."""
        now = self.loader.now
        at = self.at
        day = lambda n, h=10: _aware((now - dt.timedelta(days=n)).date(), h)  # noqa: E731
        lead = state["lead"]
        at(day(95), lambda: self.scene_tools(state, 0))
        at(day(60), lambda: self.scene_supervision(state))
        at(day(40), lambda: self.scene_meeting(state))
        at(day(18), lambda: self.scene_supersede(state))
        at(day(12, 11), lambda: self.scene_tools(state, 1))
        at(day(25), lambda: self.scene_checkin(state))
        at(day(3), lambda: self.scene_upcoming(state, lead, 1))
        at(day(2, 14), lambda: self.scene_family(state))

    def case_of(self, state: dict) -> Case | None:
        if state.get("case") is None:
            return None
        return Case.objects.select_related("child").get(pk=state["case"])

    def scene_tools(self, state: dict, n: int) -> None:
        case = self.case_of(state)
        if case is None:
            return
        lead = state["lead"]
        if n == 0:
            self.tool(
                case,
                lead,
                ToolKind.NETWORK_MAP,
                self.network_map(case),
                title=f"Мрежова карта на {case.child.first_name}",
            )
            self.tool(case, lead, ToolKind.DISINTEGRATION_GRID, self.grid(case))
            self.tool(case, lead, ToolKind.SAFETY_MAP, self.safety_map(case, None, 0))
            self.tool(case, lead, ToolKind.SAFE_FAMILY, self.safe_family(case))
            self.tool(case, lead, ToolKind.TEAM_AROUND_WORKER, self.team_around_worker(case, lead))
        else:
            doc = ToolDocument.objects.filter(case=case, kind=ToolKind.SAFETY_MAP).order_by("pk").first()
            if doc is not None:
                tool_version_add(ctx=self.ctx(lead), access=self.access(lead, case), document=doc, expected_version=doc.version,
                                 data=self.safety_map(case, None, 2))  # fmt: skip
            doc = ToolDocument.objects.filter(case=case, kind=ToolKind.NETWORK_MAP).order_by("pk").first()
            if doc is not None:
                data = self.network_map(case)
                data["notes"] = (
                    "След три месеца: бабата се включи активно; треньорът е най-близкият възрастен извън семейството."
                )
                tool_version_add(
                    ctx=self.ctx(lead),
                    access=self.access(lead, case),
                    document=doc,
                    expected_version=doc.version,
                    data=data,
                )

    def scene_supervision(self, state: dict) -> None:
        case = self.case_of(state)
        lead = state["lead"]
        meeting = self.invite(
            case, lead, MeetingKind.SUPERVISION, self.now + dt.timedelta(hours=1), family=False
        )
        self.at(self.now + dt.timedelta(hours=3), lambda: self.hold(state, meeting, lead, decisions=1))
        self.tool(case, lead, ToolKind.THINKING_TOGETHER, self.thinking_together(case, lead, "hristova"))

    def scene_meeting(self, state: dict) -> None:
        """A review conference five weeks ago: decisions for ivanova and petrov now overdue, one
        done by the mother, one an organisation could not do."""
        case = self.case_of(state)
        lead = state["lead"]
        team = self.team(case)
        if lead not in team:
            return
        meeting = self.invite(
            case, lead, MeetingKind.CONFERENCE_REVIEW, self.now - dt.timedelta(hours=2), team
        )
        meeting = self.hold(state, meeting, lead, decisions=0)
        access = self.access(lead, case)
        today = timezone.localdate(self.now)
        team = self.team(case)
        parent = next((r.full_name for r in self.parents(case)), "")
        made = []
        if "petrov" in team:
            for days, text in (
                (
                    26,
                    "Училищният психолог провежда седмични срещи с {name} и пише кратка оценка за следващия преглед.",
                ),
                (60, "Психологът предлага {name} за програмата за наставничество от следващия срок."),
            ):
                made.append(
                    decision_record(
                        ctx=self.ctx(lead),
                        access=access,
                        meeting=meeting,
                        responsible_kind=ResponsibleKind.PROFESSIONAL,
                        responsible_user=self.user("petrov"),
                        due_on=today + dt.timedelta(days=days),
                        text=self.words(text, case),
                    )  # fmt: skip
                )
        mine = decision_record(ctx=self.ctx(lead), access=access, meeting=meeting, responsible_kind=ResponsibleKind.PROFESSIONAL,
                               responsible_user=self.user(lead), due_on=today + dt.timedelta(days=33),
                               text="Водещият на случая изготвя социален доклад за съда по делото за родителските права.")  # fmt: skip
        self.at(
            self.now + dt.timedelta(days=9),
            lambda: self.progress(
                state, mine.pk, DecisionStatus.IN_PROGRESS, "Събрани са мненията на училището и ЦОП."
            ),
        )
        if parent:
            d = decision_record(ctx=self.ctx(lead), access=access, meeting=meeting, responsible_kind=ResponsibleKind.PARENT,
                                responsible_name=f"{parent} (майка)", due_on=today + dt.timedelta(days=14),
                                text="Майката записва детето в занималнята и го взема всеки ден в 17 часа.")  # fmt: skip
            self.at(
                self.now + dt.timedelta(days=11),
                lambda: self.progress(state, d.pk, DecisionStatus.DONE, "Записано; посещава от понеделник."),
            )
        org = self.of_kind(team, "cop") or self.of_kind(team, "ngo") or self.of_kind(team, "school")
        if org:
            d2 = decision_record(ctx=self.ctx(lead), access=access, meeting=meeting, responsible_kind=ResponsibleKind.ORGANISATION,
                                 responsible_organisation=team[org].organisation, due_on=today + dt.timedelta(days=20),
                                 text="Организацията осигурява транспорт до терапията два пъти седмично.")  # fmt: skip
            self.at(
                self.now + dt.timedelta(days=22),
                lambda: self.progress(
                    state,
                    d2.pk,
                    DecisionStatus.NOT_DONE,
                    reason="Общинският микробус е в ремонт; търси се доброволец.",
                ),
            )
        self.cw(state)["scene"] = [d.pk for d in made] + [mine.pk]

    def scene_family(self, state: dict) -> None:
        """A family meeting two days ago: held, its minutes still awaiting the team's confirmation."""
        case = self.case_of(state)
        lead = state["lead"]
        if lead not in self.team(case):
            return
        meeting = self.invite(case, lead, MeetingKind.FAMILY_GROUP, self.now - dt.timedelta(hours=2))
        if not self.safe(case, (f"meeting_held[{MEETING_ARTEFACT_KIND[MeetingKind.FAMILY_GROUP]}]",), ""):
            raise ValidationError("the meeting would complete a step of the story")  # rolled back
        self.hold(state, meeting, lead, decisions=1, confirm=False)

    def scene_supersede(self, state: dict) -> None:
        """A crisis meeting replaces one of the open decisions."""
        case = self.case_of(state)
        lead = state["lead"]
        team = self.team(case)
        if lead not in team:
            return
        meeting = self.invite(case, lead, MeetingKind.CRISIS, self.now - dt.timedelta(hours=1), team)
        if not self.safe(case, (f"meeting_held[{MEETING_ARTEFACT_KIND[MeetingKind.CRISIS]}]",), ""):
            meeting_cancel(
                ctx=self.ctx(lead),
                access=self.access(lead, case),
                meeting=meeting,
                reason=T.CANCEL_REASONS[0],
            )
            return
        meeting = self.hold(state, meeting, lead, decisions=0)
        access = self.access(lead, case)
        old = (
            Decision.objects.filter(
                case=case, status__in=DECISION_OPEN_STATES, meeting__starts_at__lt=meeting.starts_at
            )
            .exclude(pk__in=self.cw(state).get("scene", []))
            .exclude(responsible_user__username=lead)
            .order_by("-created_at")
            .first()
        )
        decision_record(
            ctx=self.ctx(lead), access=access, meeting=meeting, responsible_kind=ResponsibleKind.PROFESSIONAL,
            responsible_user=self.user(lead), due_on=timezone.localdate(self.now) + dt.timedelta(days=21),
            text=T.SUPERSEDE[2], supersedes=[old] if old else [],
        )  # fmt: skip

    def scene_checkin(self, state: dict) -> None:
        """A follow-up check-in that nobody has done yet: overdue for the lead."""
        case = self.case_of(state)
        lead = state["lead"]
        followup_schedule(
            ctx=self.ctx(lead), access=self.access(lead, case), first_on=timezone.localdate(self.now) + dt.timedelta(days=6),
            responsible=self.user(lead), every_months=3, count=2,
        )  # fmt: skip

    def upcoming(self, state: dict, *, cancel: bool = False) -> None:
        now = self.loader.now
        when = _aware((now - dt.timedelta(days=self.rng.randint(2, 6))).date(), self.rng.randint(9, 15))
        self.at(
            when, lambda: self.scene_upcoming(state, state["lead"], self.rng.randint(2, 9), cancel=cancel)
        )

    def scene_upcoming(self, state: dict, lead: str, days: int, *, cancel: bool = False) -> None:
        case = self.case_of(state)
        if case is None or case.status == CaseStatus.CLOSED or lead not in self.team(case):
            return
        starts = _aware(
            timezone.localdate(self.loader.now) + dt.timedelta(days=days),
            self.rng.choice([9, 10, 11, 13, 14]),
            self.rng.choice([0, 30]),
        )
        while timezone.localtime(starts).weekday() >= 5:
            starts += dt.timedelta(days=1)
        if cancel:
            old = self.invite(case, lead, MeetingKind.CONFERENCE_REVIEW, starts - dt.timedelta(days=2))
            meeting_cancel(
                ctx=self.ctx(lead),
                access=self.access(lead, case),
                meeting=old,
                reason=self.rng.choice(T.CANCEL_REASONS),
            )
        self.invite(case, lead, MeetingKind.CONFERENCE_REVIEW, starts)
