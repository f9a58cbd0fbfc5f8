"""The records that complete the protocol story's steps, made through the services (see
:mod:`zaedno.demo.casework`), and the tools and indicators that come with them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from zaedno.assessments.models import Assessment, AssessmentStatus, NeedLevel
from zaedno.assessments.services import (
    EntryData,
    assessment_complete,
    assessment_start,
    contribution_save,
    formulation_save,
)
from zaedno.cases.models import Case, Sensitivity, TeamMember
from zaedno.demo import casework_texts as T
from zaedno.demo.casework.base import ASSESSMENT_ARTEFACTS, CaseworkBase
from zaedno.meetings.models import (
    MEETING_ARTEFACT_KIND,
    DecisionKind,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ResponsibleKind,
)
from zaedno.meetings.services import (
    decision_record,
)
from zaedno.organisations.models import KIND_SECTOR
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
    active_members,
    add_months,
    confirmation_state,
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
from zaedno.protocols.models import CaseArtefact
from zaedno.tools.models import ToolDocument, ToolKind
from zaedno.tools.services import tool_create, tool_version_add


class StoryRecords(CaseworkBase):
    """One handler per record of the story: True when the real record was made."""

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

    def plan_agreed(self, state, case, at, by, code, *, confirm_later: bool = True) -> bool:
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
        self.agree(state, case, draft, meeting, confirm_later=confirm_later)
        return True

    def plan_signed(self, state, case, at, by, code) -> bool:
        """The action plan signed by the team: agreed at the meeting and confirmed there by every
        member asked, so the last confirmation records ``plan_signed[action_plan]`` at the story's
        moment (the step is done only then, not when the plan is agreed)."""
        if self.now != at or not self.safe(case, (code, "plan_agreed[action_plan]"), code):
            return False
        plan = Plan.objects.filter(case=case, kind=PlanKind.ACTION_PLAN, status=PlanStatus.AGREED).first()
        if plan is None:
            if not self.plan_agreed(state, case, at, by, "plan_agreed[action_plan]", confirm_later=False):
                return False
            plan = Plan.objects.get(case=case, kind=PlanKind.ACTION_PLAN, status=PlanStatus.AGREED)
        members = active_members(case)
        state_now = confirmation_state(plan, members, list(plan.confirmations.all()))
        for member in state_now["pending"]:
            plan_confirm(
                ctx=self.ctx(member.user.username), access=self.access(member.user.username, case), plan=plan
            )
        return CaseArtefact.objects.filter(
            case=case, artefact="plan_signed", object_type="plan", object_id=str(plan.pk)
        ).exists()

    def agree(
        self, state: dict, case: Case, draft: Plan, meeting: Meeting, *, confirm_later: bool = True
    ) -> None:
        lead = state["lead"]
        plan = plan_agree(ctx=self.ctx(lead), access=self.access(lead, case), plan=draft, meeting=meeting)
        if not confirm_later:
            return
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
