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

from django.db import transaction
from django.utils import timezone

from zaedno.cases.models import Case, CaseStatus
from zaedno.demo import casework_texts as T
from zaedno.demo.casework.base import REFUSED, SEED_OFFSET
from zaedno.demo.casework.content import ToolContent
from zaedno.demo.casework.records import StoryRecords
from zaedno.demo.casework.scenes import Scenes
from zaedno.meetings.models import MeetingKind
from zaedno.plans.models import CheckInStatus, FollowUpCheckIn, PlanKind
from zaedno.plans.services import followup_complete, followup_schedule
from zaedno.protocols.models import CaseStep

if TYPE_CHECKING:
    from zaedno.demo.dataset import _Loader


class Casework(Scenes, ToolContent, StoryRecords):
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
            "plan_signed[action_plan]": self.plan_signed,
            "review_held[plan]": self.review,
            "review_held[follow_up]": self.followup,
            "decision_recorded[closure]": self.closure,
        }

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
                    self.later(clock, 1, min(room * 0.5, 200)),
                    lambda: self.schedule_ahead(state, code, kind, at),
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
                self.at(
                    when, lambda: self.schedule_ahead(state, code, MeetingKind.CONFERENCE_PLANNING, starts)
                )
        elif code in ("plan_agreed[case_plan]", "plan_agreed[action_plan]", "plan_signed[action_plan]"):
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
                    self.at(when, lambda: self.schedule_ahead(state, code, mkind, starts))
        elif code in ("review_held[plan]", "decision_recorded[closure]"):
            starts = at - dt.timedelta(hours=2)
            if starts > clock + dt.timedelta(days=3) and (
                code != "review_held[plan]" or self.rng.random() < 0.3
            ):
                when = starts - dt.timedelta(days=self.rng.uniform(3, min(14, (starts - clock).days)))
                self.at(when, lambda: self.schedule_ahead(state, code, MeetingKind.CONFERENCE_REVIEW, starts))

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
