"""The snapshot of what a referral shares: each chosen section of the case, as it stands when sent.

Written in the default language (Bulgarian), like a letter: the receiving service reads what the
sender sent, and later changes to the case never reach it. Each section takes only records at or
below its own sensitivity (the sender's level covers that, checked by the service), so a
"school" section never carries a sensitive note.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from zaedno.assessments.models import AssessmentStatus, DomainEntry
from zaedno.cases.models import Case, CaseNote, NoteSection, Sensitivity
from zaedno.children.models import Relative
from zaedno.organisations.models import Sector
from zaedno.plans.models import Goal, PlanStatus
from zaedno.referrals.models import SECTION_SENSITIVITY, SharedSection


def _item(label: str, text) -> dict:
    return {"label": str(label), "text": str(text)}


def _identity(case: Case, level: int) -> list[dict]:
    """Who the child is. The identifiers and the relatives' contacts go only as far as the sender
    sees them on the child's record (identifiers at the sensitive level, relatives from the
    standard level), so sharing cannot reveal more than the sender may read."""
    child = case.child
    items = [
        _item(_("Name"), child.full_name),
        _item(_("Birth date"), child.birth_date.strftime("%d.%m.%Y")),
        _item(_("Sex"), child.get_sex_display()),
    ]
    if level >= Sensitivity.SENSITIVE:
        if child.egn:
            items.append(_item(_("ЕГН"), child.egn))
        if child.lnch:
            items.append(_item(_("ЛНЧ"), child.lnch))
    # Every field but the name, birth date and sex may be unknown at intake (no settlement, no
    # address): the letter says so rather than failing.
    settlement = f"{child.settlement.kind} {child.settlement.name}" if child.settlement_id else ""
    place = ", ".join(p for p in (settlement, child.address) if p)
    items.append(_item(_("Address"), place or _("not known")))
    if level < Sensitivity.STANDARD:
        return items
    for r in Relative.objects.filter(child=child).order_by("relationship", "full_name"):
        contacts = ", ".join(p for p in (r.phone, r.email, r.address) if p)
        label = r.get_relationship_display()
        if r.has_parental_rights:
            label = _("%(relationship)s (holds parental rights)") % {"relationship": label}
        items.append(_item(label, f"{r.full_name}" + (f" — {contacts}" if contacts else "")))
    return items


def _summary(case: Case) -> list[dict]:
    return [_item(_("Summary of the case"), case.summary or _("(no summary written)"))]


def _needs(case: Case, level: int) -> list[dict]:
    entries = (
        DomainEntry.objects.filter(
            contribution__assessment__case=case,
            contribution__assessment__status=AssessmentStatus.COMPLETED,
            contribution__sensitivity__lte=level,
        )
        .exclude(needs="")
        .select_related("contribution")
        .order_by("contribution__sector", "id")
    )
    return [
        _item(
            f"{e.get_domain_display()} ({e.contribution.get_sector_display()}, {e.get_level_display()})",
            e.needs,
        )
        for e in entries
    ]


def _goals(case: Case) -> list[dict]:
    goals = Goal.objects.filter(plan__case=case, plan__status=PlanStatus.AGREED).select_related("plan")
    return [
        _item(f"{g.get_domain_display()} ({g.plan.get_kind_display()})", g.text)
        for g in goals.order_by("plan__kind", "position", "id")
    ]


def _notes(case: Case, section: str) -> list[dict]:
    notes = CaseNote.objects.filter(
        case=case, section=section, sensitivity__lte=SECTION_SENSITIVITY_MAX[section]
    )
    return [_item(n.created_at.strftime("%d.%m.%Y"), n.text) for n in notes.order_by("created_at", "id")]


SECTION_SENSITIVITY_MAX = {
    NoteSection.EDUCATION: SECTION_SENSITIVITY[SharedSection.SCHOOL],
    NoteSection.HEALTH: SECTION_SENSITIVITY[SharedSection.HEALTH],
}


def _school(case: Case) -> list[dict]:
    return _notes(case, NoteSection.EDUCATION)


def _health(case: Case) -> list[dict]:
    items = _notes(case, NoteSection.HEALTH)
    entries = (
        DomainEntry.objects.filter(
            contribution__assessment__case=case,
            contribution__assessment__status=AssessmentStatus.COMPLETED,
            contribution__sector=Sector.HEALTH,
        )
        .exclude(needs="", concerns="")
        .order_by("id")
    )
    items += [_item(e.get_domain_display(), " ".join(p for p in (e.concerns, e.needs) if p)) for e in entries]
    return items


def build_snapshot(case: Case, sections: list[str], *, level: int = Sensitivity.SENSITIVE) -> list[dict]:
    """The chosen sections, in the fixed order of ``SharedSection``, with their items."""
    builders = {
        SharedSection.IDENTITY: lambda c: _identity(c, level),
        SharedSection.SUMMARY: _summary,
        SharedSection.NEEDS: lambda c: _needs(c, SECTION_SENSITIVITY[SharedSection.NEEDS]),
        SharedSection.GOALS: _goals,
        SharedSection.SCHOOL: _school,
        SharedSection.HEALTH: _health,
    }
    out = []
    with translation.override(settings.LANGUAGE_CODE):
        for section in SharedSection:
            if section.value not in sections:
                continue
            out.append(
                {
                    "section": section.value,
                    "title": str(section.label),
                    "sensitivity": int(SECTION_SENSITIVITY[section]),
                    "items": builders[section](case),
                }
            )
    return out


def visible_snapshot(snapshot: list[dict], level: int = Sensitivity.SENSITIVE) -> list[dict]:
    """The sections of a snapshot a reader at ``level`` may see (the case team reads at its level)."""
    return [s for s in snapshot if s.get("sensitivity", Sensitivity.SENSITIVE) <= level]
