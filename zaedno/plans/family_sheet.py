"""The family information sheet is chosen, not copied (информация за семейството).

The sheet goes home with the parents and is read there — sometimes by the very person a safety
action is about (the stepfather who lives in the same house), sometimes aloud to the child. So
nothing of the plan, the meetings' decisions or the team goes on it by itself:

* the candidates are the family's own open actions of the agreed plan, the open decisions for a
  parent or the child (never a sensitive one), and the active team members;
* the case lead (or a manager of the lead organisation) ticks what goes on the sheet, after a
  preview, and saves the choice (``family_sheet_choose``, audited, on the timeline);
* each candidate is checked against the child's relatives recorded on the child who do not hold
  parental rights — the sheet is for the parents, not for them — by name and by what they are to
  the child ("втория баща"), and against the police members of the team: the page warns before
  the lead ticks it, most plainly for a person who lives with the child;
* the sheet prints only the chosen items that are still open. Until the lead has chosen, it holds
  only the contact person, the meetings, whom to call and the family's rights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Sensitivity, TeamMember
from zaedno.core.concurrency import save_versioned
from zaedno.core.errors import require as _require
from zaedno.organisations.models import KIND_SECTOR, Sector
from zaedno.plans.models import FamilySheet

MSG_CHOSEN = gettext_noop("What goes on the family information sheet was chosen (items: %(count)s)")

# What a relative is to the child, as a worker writes it in an action (stems, Bulgarian and
# English), so "разговор с втория баща" is caught as well as the relative's name.
RELATIONSHIP_WORDS: dict[str, tuple[str, ...]] = {
    "mother": (r"майк\w*", r"mother\w*"),
    "father": (r"баща\w*", r"бащи\w*", r"father\w*"),
    "stepparent": (
        r"втор\w*\s+баща\w*", r"втор\w*\s+майк\w*", r"втор\w*\s+родител\w*", r"пастр\w*", r"мащех\w*",
        r"доведен\w*", r"step\s*-?\s*(?:father|mother|parent)\w*", r"партньор\w*\s+на\s+майка\w*",
    ),
    "grandparent": (r"баб\w*", r"дяд\w*", r"grand\w*"),
    "sibling": (r"брат\w*", r"сестр\w*", r"brother\w*", r"sister\w*", r"sibling\w*"),
    "guardian": (r"настойни\w*", r"попечител\w*", r"guardian\w*"),
    "foster": (r"приемн\w*", r"foster\w*"),
}  # fmt: skip


@dataclass
class SheetItem:
    """One candidate for the sheet, with whether it is chosen and why to think twice."""

    kind: str  # "action", "decision", "member"
    obj: object
    chosen: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"


@dataclass
class SheetChoice:
    """Everything that may go on the sheet, and what the lead chose (``sheet`` None: not yet)."""

    sheet: FamilySheet | None
    actions: list[SheetItem]
    decisions: list[SheetItem]
    members: list[SheetItem]

    @property
    def chosen(self) -> bool:
        return self.sheet is not None

    @property
    def warning_count(self) -> int:
        return sum(1 for i in self.actions + self.decisions + self.members if i.warnings)

    def picked(self, kind: str) -> list:
        return [i.obj for i in getattr(self, kind) if i.chosen]

    def with_picks(self, action_ids, decision_ids, member_ids) -> SheetChoice:
        """The same candidates with another selection (the unsaved preview)."""
        picks = {"action": set(action_ids), "decision": set(decision_ids), "member": set(member_ids)}

        def re_pick(items):
            return [SheetItem(i.kind, i.obj, i.obj.pk in picks[i.kind], i.warnings) for i in items]

        return SheetChoice(self.sheet, re_pick(self.actions), re_pick(self.decisions), re_pick(self.members))


# --- reads ---------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", (text or "").lower()))


def _names_relative(text: str, relative, child_last_name: str) -> bool:
    words = _words(text)
    parts = [p for p in re.split(r"[\s\-]+", relative.full_name.lower()) if len(p) >= 3]
    if not parts:
        return False
    first, rest = parts[0], parts[1:]
    if first in words:
        return True
    # A surname alone names the relative unless it is the child's too (the child's own name).
    child_names = {child_last_name.lower()}
    if any(p in words and p not in child_names for p in rest):
        return True
    patterns = RELATIONSHIP_WORDS.get(relative.relationship, ())
    lowered = (text or "").lower()
    return any(re.search(rf"(?<!\w){p}", lowered) for p in patterns)


def _household_warnings(text: str, relatives, child_last_name: str) -> list[str]:
    out = []
    for r in relatives:
        # The parents who hold parental rights are whom the sheet is for; anyone else of the
        # family (the stepfather, a grandparent, a sibling) may read it without being meant to.
        if r.has_parental_rights or not _names_relative(text, r, child_last_name):
            continue
        params = {"name": r.full_name, "relationship": r.get_relationship_display()}
        if r.lives_with_child:
            out.append(
                _("Names %(name)s (%(relationship)s), who lives with the child: the sheet is read at home.")
                % params
            )
        else:
            out.append(_("Names %(name)s (%(relationship)s), a person of the child's family.") % params)
    return out


def _is_police(member: TeamMember) -> bool:
    return KIND_SECTOR.get(member.organisation.kind) == Sector.POLICE if member.organisation_id else False


def _police_warnings(text: str, police: list[TeamMember]) -> list[str]:
    words = _words(text)
    out = []
    for m in police:
        if {m.user.first_name.lower(), m.user.last_name.lower()} & words - {""}:
            out.append(
                _("Names %(name)s of %(organisation)s (police).")
                % {"name": m.user.get_full_name(), "organisation": m.organisation}
            )
    return out


def _decision_candidates(access: CaseAccess) -> list:
    from zaedno.meetings.models import DECISION_OPEN_STATES, Decision, ResponsibleKind

    return list(
        Decision.objects.filter(
            case=access.case,
            status__in=DECISION_OPEN_STATES,
            responsible_kind__in=[ResponsibleKind.PARENT, ResponsibleKind.CHILD],
            # Never a sensitive decision, and only what the professional printing the sheet may see.
            sensitivity__lte=min(access.level, Sensitivity.STANDARD),
        ).order_by("due_on", "id")
    )


def family_sheet_choice(access: CaseAccess) -> SheetChoice:
    """The candidates for the sheet, each with its warnings and whether the lead chose it."""
    from zaedno.cases.queries import case_team
    from zaedno.children.models import Relative
    from zaedno.plans.queries import family_actions

    case = access.case
    sheet = FamilySheet.objects.filter(case=case).first()
    if sheet is not None:
        chosen = {
            "action": set(sheet.actions.values_list("pk", flat=True)),
            "decision": set(sheet.decisions.values_list("pk", flat=True)),
            "member": set(sheet.members.values_list("pk", flat=True)),
        }
    else:
        chosen = {"action": set(), "decision": set(), "member": set()}
    relatives = list(Relative.objects.filter(child_id=case.child_id).order_by("full_name", "id"))
    team = [m for m in case_team(access, include_former=False) if m.user_id != case.lead_id]
    police = [m for m in team if _is_police(m)]
    child_last = case.child.last_name or ""

    def item(kind, obj, text):
        warnings = _household_warnings(text, relatives, child_last) + _police_warnings(text, police)
        return SheetItem(kind, obj, obj.pk in chosen[kind], warnings)

    actions = [item("action", a, f"{a.text} {a.who_name}") for a in family_actions(access)]
    decisions = [item("decision", d, f"{d.text} {d.responsible_name}") for d in _decision_candidates(access)]
    members = []
    for m in team:
        warnings = []
        if _is_police(m):
            warnings.append(
                _("%(organisation)s is the police: name them to the family only if the team agreed to it.")
                % {"organisation": m.organisation}
            )
        members.append(SheetItem("member", m, m.pk in chosen["member"], warnings))
    return SheetChoice(sheet, actions, decisions, members)


# --- the choice ----------------------------------------------------------------------------------


@transaction.atomic
def family_sheet_choose(
    *, ctx: AuditContext, access: CaseAccess, action_ids, decision_ids, member_ids,
    expected_version: int | None,
) -> FamilySheet:  # fmt: skip
    """Save what goes on the family's sheet: only candidates of this case, chosen by the lead.

    ``expected_version`` is the version the lead saw (None: no choice was saved yet); a choice
    saved meanwhile by someone else is a conflict, nothing is lost.
    """
    _require(access.can_write, _("Emergency access is read-only."))
    _require(
        access.can_manage_team,
        _(
            "Only the case lead or a manager of the lead organisation chooses what goes on the family's sheet."
        ),
    )
    choice = family_sheet_choice(access)
    allowed = {
        "action": {i.obj.pk for i in choice.actions},
        "decision": {i.obj.pk for i in choice.decisions},
        "member": {i.obj.pk for i in choice.members},
    }
    wanted = {"action": set(action_ids), "decision": set(decision_ids), "member": set(member_ids)}
    for kind, ids in wanted.items():
        if ids - allowed[kind]:
            raise ValidationError(
                _("Only the family's open actions, decisions and the team can go on the sheet.")
            )
    now = timezone.now()
    sheet = FamilySheet.objects.select_for_update().filter(case=access.case).first()
    if sheet is None:
        if expected_version is not None:
            raise ValidationError(_("The choice for the sheet changed meanwhile. Open the page again."))
        try:
            with transaction.atomic():
                sheet = FamilySheet.objects.create(case=access.case, chosen_by=ctx.actor, chosen_at=now)
        except IntegrityError:  # two leads choosing at once: the second is told, nothing lost
            raise ValidationError(
                _("The choice for the sheet changed meanwhile. Open the page again.")
            ) from None
    else:
        save_versioned(
            sheet, expected_version=expected_version if expected_version is not None else -1,
            record="family-sheet", changes={"chosen_by": ctx.actor, "chosen_at": now},
        )  # fmt: skip
    sheet.actions.set(sorted(wanted["action"]))
    sheet.decisions.set(sorted(wanted["decision"]))
    sheet.members.set(sorted(wanted["member"]))
    count = sum(len(ids) for ids in wanted.values())
    from zaedno.plans.services import _timeline

    _timeline(access, ctx, MSG_CHOSEN, {"count": count}, at=now)
    audit_record(
        ctx=ctx, action="plan.family_sheet.choose", case_id=access.case.pk, object_type="family_sheet",
        object_id=sheet.pk,
        details={k + "s": sorted(v) for k, v in wanted.items()},
    )  # fmt: skip
    return sheet
