"""Scenes for the personas that must be there whatever day the demo is loaded (see
:mod:`zaedno.demo.casework`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from zaedno.cases.models import Case, CaseStatus
from zaedno.demo import casework_texts as T
from zaedno.demo.casework.base import CaseworkBase, _aware
from zaedno.meetings.models import (
    DECISION_OPEN_STATES,
    MEETING_ARTEFACT_KIND,
    Decision,
    DecisionStatus,
    MeetingKind,
    ResponsibleKind,
)
from zaedno.meetings.scan import decision_scan
from zaedno.meetings.services import (
    decision_record,
    meeting_cancel,
)
from zaedno.plans.services import (
    followup_schedule,
)
from zaedno.tools.models import ToolDocument, ToolKind
from zaedno.tools.services import tool_version_add


class Scenes(CaseworkBase):
    """ivanova's showcase case, upcoming meetings, the decision scan of the last days."""

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
