"""Reads of the service and school history, through the access layer (except the counts, which
other apps ask about a case they already hold).

The history is the child's: a page reached through one case shows every episode of its child,
whichever case recorded it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Case, CaseStatus
from zaedno.children.models import Child
from zaedno.episodes.models import Episode, Family, Move, PlannedMove, PlannedMoveStatus
from zaedno.meetings.models import HELD_STATES, Decision, DecisionKind, DecisionStatus

# A child moved this many times in the last 12 months is flagged on the case page and in the
# case lead's "my work" (repeated moves). The difficult-case criterion has its own number in
# zaedno/profiles/criteria.yaml (min_moves), which is 2 as well.
REPEATED_MOVES = 2


def window_start(today: dt.date) -> dt.date:
    """The day 12 months before ``today``; moves after it count as "in the last 12 months"."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def _child_id(child_or_case) -> int:
    if isinstance(child_or_case, Case):
        return child_or_case.child_id
    if isinstance(child_or_case, Child):
        return child_or_case.pk
    return int(child_or_case)


def _window(today: dt.date | None) -> Q:
    today = today or timezone.localdate()
    return Q(moved_on__gt=window_start(today), moved_on__lte=today)


def moves_in_last_12_months(child_or_case, today: dt.date | None = None) -> int:
    """How many times the child moved between services, schools or placements in the last 12
    months (one query)."""
    return Move.objects.filter(_window(today), child_id=_child_id(child_or_case)).count()


def recent_moves(child_or_case, today: dt.date | None = None) -> list[Move]:
    """The moves of the last 12 months, newest first, with the places and the decision."""
    return list(
        Move.objects.filter(_window(today), child_id=_child_id(child_or_case)).select_related(
            "from_episode__service",
            "from_episode__organisation",
            "to_episode__service",
            "to_episode__organisation",
            "decision",
        )  # fmt: skip
    )


def child_open_cases(child_id: int) -> list[Case]:
    """The child's cases still worked on (open or in follow-up): their teams hear of a move."""
    return list(Case.objects.filter(child_id=child_id).exclude(status=CaseStatus.CLOSED).order_by("pk"))


def _mark_decision(access: CaseAccess, move: Move) -> Move:
    """``decision_visible``: whether the reader may see the text of the decision behind the move."""
    move.decision_visible = move.decision_id is not None and access.sees(move.decision.sensitivity)
    return move


def history(access: CaseAccess) -> list[Episode]:
    """The child's episodes: current ones first, then the latest first; ``move_in_shown`` is the
    move that brought the child to each (or None)."""
    episodes = list(
        Episode.objects.filter(child_id=access.case.child_id)
        .select_related(
            "service",
            "organisation",
            "decided_by_user",
            "decided_by_organisation",
            "created_by",
            "move_in__decision",
            "move_in__from_episode__service",
            "move_in__from_episode__organisation",
            "move_in__recorded_by",
        )  # fmt: skip
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
    )
    for e in episodes:
        try:
            e.move_in_shown = _mark_decision(access, e.move_in)
        except Move.DoesNotExist:
            e.move_in_shown = None
    return episodes


def current_episodes(access: CaseAccess) -> list[Episode]:
    return list(
        Episode.objects.filter(child_id=access.case.child_id, ended_on__isnull=True)
        .select_related("service", "organisation")
        .order_by("-started_on", "-id")
    )


def episode_get(access: CaseAccess, episode_id) -> Episode:
    """An episode of the case's child, or 404 (the same for another child's and a missing one)."""
    try:
        return Episode.objects.select_related("service", "organisation").get(
            child_id=access.case.child_id, pk=int(episode_id)
        )
    except (Episode.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def case_moves(access: CaseAccess) -> list[Move]:
    """All moves of the case's child, newest first, with both episodes as the API shows them."""
    related = [
        f"{side}__{rel}"
        for side in ("from_episode", "to_episode")
        for rel in ("service", "organisation", "decided_by_user", "decided_by_organisation", "created_by")
    ]
    return list(
        Move.objects.filter(child_id=access.case.child_id).select_related(*related, "decision", "recorded_by")
    )


def decision_choices(access: CaseAccess):
    """The case's decisions the reader may see (the API looks a given id up here; the service
    then says why a decision that is not about the move cannot justify one)."""
    return Decision.objects.filter(case=access.case, sensitivity__lte=access.level).select_related("meeting")


def move_decision_choices(access: CaseAccess):
    """What the move forms offer: the case's decisions about a move (``DecisionKind.MOVE``), still
    standing, taken at a held meeting whose minutes record the child's and the parents' views
    (the same rule as ``services.move_decision_errors``)."""
    return (
        decision_choices(access)
        .filter(kind=DecisionKind.MOVE, meeting__status__in=HELD_STATES)
        .exclude(status__in=[DecisionStatus.SUPERSEDED, DecisionStatus.NOT_DONE])
        .exclude(meeting__child_views="")
        .exclude(meeting__parents_views="")
        .order_by("-meeting__starts_at", "number")
    )


def decision_of_case(access: CaseAccess, decision_id) -> Decision | None:
    if decision_id in (None, ""):
        return None
    return decision_choices(access).filter(pk=decision_id).first()


# A goal that asks the child to stay (остава, да остане, запазва…) in the part of life a move
# touches: schools → education; placements → family relationships and identity; services →
# health and emotional development. A goal that names the place the child would leave counts
# whatever its domain.
STAY_WORDS = re.compile(r"(остава|остане|останат|остават|запаз|\bstays?\b|\bremains?\b|\bkeeps?\b)", re.I)
STAY_DOMAINS = {
    Family.SCHOOLS: {"education"},
    Family.PLACEMENTS: {"relationships", "identity"},
    Family.SERVICES: {"health", "emotional"},
}


def goals_against_move(case: Case, episodes) -> list:
    """The goals of the case's agreed plans that a move away from ``episodes`` would go against
    (one query): those naming the place left, or asking the child to stay, in the domain the
    move touches. The move form warns with them and the service asks for the reason."""
    from zaedno.plans.models import Goal, PlanStatus

    episodes = [e for e in episodes if e is not None]
    if not episodes:
        return []
    goals = list(
        Goal.objects.filter(plan__case=case, plan__status=PlanStatus.AGREED).order_by(
            "plan_id", "position", "id"
        )
    )
    found = []
    for goal in goals:
        text = goal.text.casefold()
        for e in episodes:
            place = (e.place or "").casefold()
            names_place = len(place) >= 4 and place in text
            if names_place or (
                goal.domain in STAY_DOMAINS.get(e.family, set()) and STAY_WORDS.search(goal.text)
            ):
                found.append(goal)
                break
    return found


def planned_moves(access: CaseAccess) -> list[PlannedMove]:
    """The child's planned moves: the open ones first (by date), then the closed ones, newest first."""
    rows = list(
        PlannedMove.objects.filter(child_id=access.case.child_id).select_related(
            "from_episode__service",
            "from_episode__organisation",
            "service",
            "organisation",
            "decision__meeting",
            "move",
            "created_by",
        )  # fmt: skip
    )
    for p in rows:
        p.decision_visible = p.decision_id is not None and access.sees(p.decision.sensitivity)
    open_ = sorted(
        (p for p in rows if p.status == PlannedMoveStatus.PROPOSED), key=lambda p: (p.planned_on, p.pk)
    )
    closed = sorted((p for p in rows if p.status != PlannedMoveStatus.PROPOSED), key=lambda p: -p.pk)
    return open_ + closed


def planned_get(access: CaseAccess, planned_id) -> PlannedMove:
    """A planned move of the case's child, or 404 (the same for another child's and a missing one)."""
    try:
        return PlannedMove.objects.select_related(
            "from_episode__service",
            "from_episode__organisation",
            "service",
            "organisation",
            "decision__meeting",
        ).get(child_id=access.case.child_id, pk=int(planned_id))
    except (PlannedMove.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def led_cases_with_repeated_moves(user, today: dt.date) -> list[Case]:
    """The user's cases as lead whose child moved repeatedly in the last 12 months (one query),
    each with ``moves`` set."""
    since = window_start(today)
    in_window = Q(child__moves__moved_on__gt=since, child__moves__moved_on__lte=today)
    return list(
        Case.objects.filter(lead=user)
        .exclude(status=CaseStatus.CLOSED)
        .annotate(moves=Count("child__moves", filter=in_window))
        .filter(moves__gte=REPEATED_MOVES)
        .select_related("child")
        .order_by("-moves", "number")
    )
