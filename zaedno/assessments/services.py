"""Writes of the shared multisector assessment: start, contribute, formulate, complete.

Each function checks the caller's rights through the access layer, writes, adds the timeline
entry and the audit event in one transaction. Completing an assessment records the protocol
artefacts (``assessment_done[multisector]`` and the coordination mechanism's
``assessment_done[needs]``); agreeing the formulation records ``formulation_agreed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.assessments.domains import Domain
from zaedno.assessments.models import (
    FORMULATION_SENSITIVITY,
    Assessment,
    AssessmentStatus,
    Contribution,
    DomainEntry,
    NeedLevel,
    default_sensitivity,
)
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess, Via
from zaedno.cases.models import Sensitivity, TeamMember, TimelineKind
from zaedno.cases.services import timeline_add
from zaedno.core.concurrency import save_versioned
from zaedno.core.errors import ConflictError
from zaedno.core.errors import require as _require
from zaedno.notifications.services import notification_send
from zaedno.organisations.models import Organisation
from zaedno.protocols import engine as protocol_engine

MSG_STARTED = gettext_noop("Shared assessment, version %(number)s, started")
MSG_CONTRIBUTED = gettext_noop("%(org)s contributed to the shared assessment (version %(number)s)")
MSG_COMPLETED = gettext_noop("Shared assessment, version %(number)s, completed")
MSG_FORMULATION = gettext_noop("Shared understanding of the problem agreed at the meeting of %(date)s")

TEXT_LIMIT = 5000
FORMULATION_FIELDS = ("hypothesis", "maintaining", "communicating", "protective")
ENTRY_TEXTS = ("strengths", "concerns", "needs")


@dataclass(frozen=True)
class EntryData:
    """What a sector says about one domain."""

    domain: str
    strengths: str = ""
    concerns: str = ""
    needs: str = ""
    level: str = NeedLevel.NONE

    @property
    def is_empty(self) -> bool:
        return self.level == NeedLevel.NONE and not any(getattr(self, f).strip() for f in ENTRY_TEXTS)


def my_sector(access: CaseAccess) -> tuple[str, Organisation] | None:
    """The sector (and organisation) the caller contributes for: their team membership's
    organisation, or the lead organisation for its managers. None through emergency access."""
    if access.membership is not None and access.via != Via.BREAK_GLASS:
        org = Organisation.objects.get(pk=access.membership.organisation_id)
        return org.sector, org
    if access.via in (Via.LEAD, Via.MANAGER):
        return access.case.lead_organisation.sector, access.case.lead_organisation
    return None


def can_lead(access: CaseAccess) -> bool:
    return access.via in (Via.LEAD, Via.MANAGER)


def _check_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            {
                "assessment": [
                    _("This version of the assessment is completed; start a new version to change it.")
                ]
            }
        )


def _timeline(
    access: CaseAccess, ctx: AuditContext, message: str, params: dict, sensitivity=Sensitivity.STANDARD
):
    timeline_add(
        case=access.case, kind=TimelineKind.ASSESSMENT, actor=ctx.actor, message=message, params=params,
        sensitivity=sensitivity,
    )  # fmt: skip


@transaction.atomic
def assessment_start(*, ctx: AuditContext, access: CaseAccess) -> Assessment:
    """Start a new version; the sectors' contributions to the current one are carried over to
    be reviewed (the formulation is not: it is agreed again at a conference)."""
    _require(access.can_write, _("Emergency access is read-only."))
    case = access.case
    if Assessment.objects.filter(case=case, status=AssessmentStatus.DRAFT).exists():
        raise ValidationError({"assessment": [_("An assessment is already in progress on this case.")]})
    now = timezone.now()
    number = (Assessment.objects.filter(case=case).aggregate(m=Max("number"))["m"] or 0) + 1
    assessment = Assessment.objects.create(case=case, number=number, started_at=now, started_by=ctx.actor)
    previous = Assessment.objects.filter(case=case, status=AssessmentStatus.COMPLETED).first()
    if previous is not None:
        for old in previous.contributions.prefetch_related("entries"):
            new = Contribution.objects.create(
                assessment=assessment, sector=old.sector, organisation_id=old.organisation_id, author_id=old.author_id,
                updated_by_id=old.updated_by_id, sensitivity=old.sensitivity, sources=old.sources,
                created_at=now, updated_at=now,
            )  # fmt: skip
            DomainEntry.objects.bulk_create(
                DomainEntry(
                    contribution=new,
                    domain=e.domain,
                    strengths=e.strengths,
                    concerns=e.concerns,
                    needs=e.needs,
                    level=e.level,
                )  # fmt: skip
                for e in old.entries.all()
            )
    _timeline(access, ctx, MSG_STARTED, {"number": number})
    audit_record(
        ctx=ctx, action="assessment.start", case_id=case.pk, object_type="assessment", object_id=assessment.pk,
        details={"number": number, "from": previous.pk if previous else None},
    )  # fmt: skip
    url = reverse("assessments:case", args=[case.pk])
    members = (
        TeamMember.objects.filter(case=case, left_at__isnull=True)
        .exclude(user=ctx.actor)
        .select_related("user")
    )
    for member in members:
        notification_send(
            user=member.user, kind="assessment.started", case_id=case.pk, url=url,
            title=gettext_noop("Shared assessment of case %(number)s: add what your sector knows"),
            params={"number": case.number},
        )  # fmt: skip
    return assessment


def _clean_entries(entries: list[EntryData]) -> tuple[list[EntryData], dict]:
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    kept: list[EntryData] = []
    for entry in entries:
        if entry.domain not in Domain.values:
            errors.setdefault("entries", []).append(
                _("Unknown domain “%(domain)s”.") % {"domain": entry.domain}
            )
            continue
        if entry.domain in seen:
            errors.setdefault("entries", []).append(
                _("The domain “%(domain)s” is given twice.") % {"domain": Domain(entry.domain).label}
            )
            continue
        seen.add(entry.domain)
        if entry.level not in NeedLevel.values:
            errors.setdefault("entries", []).append(
                _("Unknown level of need “%(level)s”.") % {"level": entry.level}
            )
            continue
        if any(len(getattr(entry, f)) > TEXT_LIMIT for f in ENTRY_TEXTS):
            errors.setdefault("entries", []).append(
                _("The text for “%(domain)s” is too long (at most %(n)s characters).")
                % {"domain": Domain(entry.domain).label, "n": TEXT_LIMIT}
            )
            continue
        if not entry.is_empty:
            kept.append(
                EntryData(
                    domain=entry.domain,
                    level=entry.level,
                    **{f: getattr(entry, f).strip() for f in ENTRY_TEXTS},
                )  # fmt: skip
            )
    return kept, errors


@transaction.atomic
def contribution_save(
    *, ctx: AuditContext, access: CaseAccess, assessment: Assessment, entries: list[EntryData],
    expected_version: int | None = None, sensitivity: int | None = None, sources: str = "",
    sector: str | None = None,
) -> Contribution:  # fmt: skip
    """Save my sector's contribution (create it, or edit it with the version it was based on).

    ``sector``, when given, must be the caller's own sector: each sector writes only its part.
    Health and police contributions are sensitive unless said otherwise; nobody may file a
    contribution above their own sharing level (they could not read it back).
    """
    _require(access.can_write, _("Emergency access is read-only."))
    assert assessment.case_id == access.case.pk
    mine = my_sector(access)
    _require(mine is not None, _("Only members of the team contribute to the assessment."))
    my_code, org = mine
    _require(
        sector is None or sector == my_code,
        _("You can only write your own sector's contribution."),
    )
    _check_draft(assessment)
    kept, errors = _clean_entries(entries)
    if sensitivity is None:
        sensitivity = default_sensitivity(my_code)
    if sensitivity not in Sensitivity.values:
        errors["sensitivity"] = [_("Unknown sensitivity.")]
    elif not access.sees(sensitivity):
        errors["sensitivity"] = [_("Your sharing level does not cover this sensitivity.")]
    if len(sources) > TEXT_LIMIT:
        errors["sources"] = [_("The text is too long (at most %(n)s characters).") % {"n": TEXT_LIMIT}]
    if not kept and not errors:
        errors["entries"] = [_("Write at least one strength, concern or need, or mark a level of need.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    existing = Contribution.objects.select_for_update().filter(assessment=assessment, sector=my_code).first()
    if existing is None:
        if expected_version:
            # It was there when the form was opened, and someone deleted it since: cannot happen
            # today (contributions are never deleted), but do not silently create.
            raise ConflictError(record="contribution", current_version=0)
        contribution = Contribution(
            assessment=assessment, sector=my_code, organisation=org, author=ctx.actor, updated_by=ctx.actor,
            sensitivity=sensitivity, sources=sources.strip(), created_at=now, updated_at=now,
        )  # fmt: skip
        contribution.full_clean()
        contribution.save()
        action = "assessment.contribution.add"
    else:
        if expected_version is None:
            raise ValidationError({"version": [_("Give the version of the contribution you edited.")]})
        contribution = existing
        save_versioned(
            contribution, expected_version=expected_version, record="contribution",
            changes={"sensitivity": sensitivity, "sources": sources.strip(), "updated_by": ctx.actor, "updated_at": now},
        )  # fmt: skip
        contribution.entries.all().delete()
        action = "assessment.contribution.update"
    DomainEntry.objects.bulk_create(
        DomainEntry(
            contribution=contribution,
            domain=e.domain,
            level=e.level,
            **{f: getattr(e, f) for f in ENTRY_TEXTS},
        )
        for e in kept
    )
    _timeline(access, ctx, MSG_CONTRIBUTED, {"org": org, "number": assessment.number})
    audit_record(
        ctx=ctx, action=action, case_id=access.case.pk, object_type="assessment_contribution",
        object_id=contribution.pk,
        details={"assessment": assessment.pk, "sector": my_code, "sensitivity": int(sensitivity),
                 "domains": [e.domain for e in kept]},
    )  # fmt: skip
    return contribution


@transaction.atomic
def formulation_save(
    *, ctx: AuditContext, access: CaseAccess, assessment: Assessment, expected_version: int,
    hypothesis: str, maintaining: str, communicating: str, protective: str, meeting=None,
) -> Assessment:  # fmt: skip
    """Write the formulation; with ``meeting``, record that it was agreed there (case lead or
    manager). An agreed formulation is not edited: a new version of the assessment is."""
    _require(access.can_write, _("Emergency access is read-only."))
    _require(access.sees(FORMULATION_SENSITIVITY), _("Your sharing level does not cover the formulation."))
    assert assessment.case_id == access.case.pk
    if assessment.status == AssessmentStatus.SUPERSEDED:
        raise ValidationError({"assessment": [_("This version of the assessment has been superseded.")]})
    if assessment.formulation_agreed:
        raise ValidationError(
            {
                "assessment": [
                    _("The formulation was agreed; start a new version of the assessment to revise it.")
                ]
            }
        )
    texts = {"hypothesis": hypothesis, "maintaining": maintaining, "communicating": communicating,
             "protective": protective}  # fmt: skip
    errors: dict[str, list[str]] = {}
    for name, value in texts.items():
        if len(value) > TEXT_LIMIT:
            errors[name] = [_("The text is too long (at most %(n)s characters).") % {"n": TEXT_LIMIT}]
    changes = {name: value.strip() for name, value in texts.items()}
    now = timezone.now()
    if meeting is not None:
        _require(
            can_lead(access), _("Only the case lead or a manager records that the formulation was agreed.")
        )
        if meeting.case_id != access.case.pk:
            errors["meeting"] = [_("This meeting is about another case.")]
        elif not meeting.was_held:
            errors["meeting"] = [_("The formulation is agreed at a meeting that has been held.")]
        if not changes["hypothesis"]:
            errors["hypothesis"] = [_("Write the shared hypothesis before recording that it was agreed.")]
        changes.update(
            formulation_meeting=meeting, formulation_agreed_at=now, formulation_agreed_by=ctx.actor
        )
    if errors:
        raise ValidationError(errors)
    save_versioned(assessment, expected_version=expected_version, changes=changes, record="assessment")
    audit_record(
        ctx=ctx, action="assessment.formulation", case_id=access.case.pk, object_type="assessment",
        object_id=assessment.pk, details={"agreed_at_meeting": meeting.pk if meeting else None},
    )  # fmt: skip
    if meeting is not None:
        held = meeting.held_at or meeting.starts_at
        _timeline(access, ctx, MSG_FORMULATION, {"date": timezone.localtime(held).strftime("%d.%m.%Y")})
        protocol_engine.artefact_record(
            ctx=ctx, case=access.case, artefact="formulation_agreed", at=now,
            evidence=f"assessment {assessment.number}, meeting {meeting.pk}",
            object_type="assessment", object_id=assessment.pk,
        )  # fmt: skip
    return assessment


@transaction.atomic
def assessment_complete(
    *, ctx: AuditContext, access: CaseAccess, assessment: Assessment, expected_version: int
) -> Assessment:
    """Complete a version (case lead or manager): it becomes the current assessment, the
    previous one is superseded, and the protocol steps waiting for an assessment are done."""
    _require(
        can_lead(access),
        _("Only the case lead or a manager of the lead organisation completes the assessment."),
    )
    assert assessment.case_id == access.case.pk
    _check_draft(assessment)
    if not DomainEntry.objects.filter(contribution__assessment=assessment).exists():
        raise ValidationError({"assessment": [_("No sector has contributed yet: the assessment is empty.")]})
    now = timezone.now()
    previous = Assessment.objects.filter(case=access.case, status=AssessmentStatus.COMPLETED).first()
    if previous is not None:
        Assessment.objects.filter(pk=previous.pk).update(
            status=AssessmentStatus.SUPERSEDED, superseded_at=now, version=previous.version + 1
        )
    save_versioned(
        assessment, expected_version=expected_version, record="assessment",
        changes={"status": AssessmentStatus.COMPLETED, "completed_at": now, "completed_by": ctx.actor},
    )  # fmt: skip
    _timeline(access, ctx, MSG_COMPLETED, {"number": assessment.number})
    audit_record(
        ctx=ctx, action="assessment.complete", case_id=access.case.pk, object_type="assessment",
        object_id=assessment.pk, details={"number": assessment.number, "supersedes": previous.pk if previous else None},
    )  # fmt: skip
    for kind in ("multisector", "needs"):
        protocol_engine.artefact_record(
            ctx=ctx, case=access.case, artefact="assessment_done", kind=kind, at=now,
            evidence=f"assessment {assessment.number}", object_type="assessment", object_id=assessment.pk,
        )  # fmt: skip
    from zaedno.profiles.services import profile_refresh

    profile_refresh(ctx=ctx, case=access.case, trigger="assessment_completed")
    return assessment
