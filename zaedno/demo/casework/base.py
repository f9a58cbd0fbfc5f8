"""Case work of the demo, the ground floor: the loader's clock, the team, meetings and decisions.

See :mod:`zaedno.demo.casework`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zaedno.cases.access import access_for
from zaedno.cases.models import Case, CaseStatus, TeamMember
from zaedno.children.models import Relationship, Relative
from zaedno.demo import casework_texts as T
from zaedno.meetings.models import (
    DECISION_OPEN_STATES,
    Attendance,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ParticipantRole,
    ResponsibleKind,
)
from zaedno.meetings.services import (
    SCOPE_ORAL,
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
    minutes_confirmers,
)
from zaedno.organisations.models import OrganisationKind
from zaedno.protocols.models import CaseStep, StepStatus

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


class CaseworkBase:
    """Helpers, meetings and decisions; ``loader`` and ``rng`` are set by :class:`Casework`."""

    loader: _Loader
    rng: random.Random

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

    # -- meetings ----------------------------------------------------------------------------------
    def schedule_ahead(self, state: dict, code: str, kind: str, starts: dt.datetime) -> Meeting | None:
        """The invitation sent days before: none when the meeting already took place at short notice."""
        if starts <= self.now or code in self.cw(state)["meetings"]:
            return None
        return self.schedule(state, code, kind, starts)

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
        # Everyone present confirms, whole or the part their level lets them read (minutes_confirmers);
        # one who can no longer open the case is left to the chair's oral confirmation.
        confirmers = [p.user.username for p in minutes_confirmers(meeting) if p.scope != SCOPE_ORAL]
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
