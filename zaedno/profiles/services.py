"""Writes of difficult-case profiles: refresh a case's profile, record and withdraw indicators.

``profile_refresh`` is called after the facts the criteria look at change — a case opened, the
team changed, an assessment completed, an indicator recorded or withdrawn — and by
``zaedno profiles refresh`` for every case after the criteria file changes. It stores the
profile and, when the criteria met or the flag changed, a ``ProfileChange`` with what triggered
it; a flag turned on or off also goes on the case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Case, Sensitivity, TimelineKind
from zaedno.cases.services import timeline_add
from zaedno.core.errors import require as _require
from zaedno.profiles.criteria import Criteria, load_criteria
from zaedno.profiles.models import CaseProfile, Indicator, IndicatorKind, ProfileChange, indicator_sensitivity
from zaedno.profiles.rules import evaluate

MSG_FLAG_ON = gettext_noop("Marked as a difficult case: %(count)s of the criteria met")
MSG_FLAG_OFF = gettext_noop("No longer marked as a difficult case")
MSG_INDICATOR = gettext_noop("Indicator recorded: %(kind)s")
MSG_INDICATOR_WITHDRAWN = gettext_noop("Indicator withdrawn: %(kind)s")

NOTE_LIMIT = 2000


def _default_language(label) -> str:
    """A label as the timeline stores it: in the default language, whatever the page's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


@transaction.atomic
def profile_refresh(
    *, ctx: AuditContext, case: Case, trigger: str, criteria: Criteria | None = None
) -> CaseProfile:
    """Compute the case's profile from the criteria in force; keep the history of changes."""
    criteria = criteria or load_criteria()
    results = evaluate(case, criteria)
    met = [code for code, r in results.items() if r.met]
    flagged = len(met) >= criteria.threshold
    now = timezone.now()
    details = {code: r.as_json() for code, r in results.items()}
    profile = CaseProfile.objects.select_for_update().filter(case=case).first()
    created = profile is None
    if created:
        profile = CaseProfile(case=case)
        old_met, old_flag = [], False
    else:
        old_met, old_flag = list(profile.criteria_met), profile.flagged
    profile.criteria_met = met
    profile.details = details
    profile.threshold = criteria.threshold
    profile.criteria_version = criteria.version
    profile.refreshed_at = now
    if flagged and not old_flag:
        profile.flagged_since = now
    elif not flagged:
        profile.flagged_since = None
    profile.flagged = flagged
    if created:
        try:
            with transaction.atomic():
                profile.save(force_insert=True)
        except IntegrityError:
            # Computed at the same moment by another request: compute again over its row.
            return profile_refresh(ctx=ctx, case=case, trigger=trigger, criteria=criteria)
    else:
        profile.save()
    added = [c for c in met if c not in old_met]
    removed = [c for c in old_met if c not in met]
    flag_changed = flagged != old_flag
    profile.changed = bool(added or removed or flag_changed)
    if profile.changed:
        change = ProfileChange.objects.create(
            case=case, at=now, criteria_met=met, added=added, removed=removed, flagged=flagged,
            flag_changed=flag_changed, trigger=trigger, actor=ctx.actor, criteria_version=criteria.version,
        )  # fmt: skip
        audit_record(
            ctx=ctx, action="profile.change", case_id=case.pk, object_type="profile_change", object_id=change.pk,
            details={"trigger": trigger, "added": added, "removed": removed, "flagged": flagged,
                     "criteria_version": criteria.version},
        )  # fmt: skip
        if flag_changed:
            timeline_add(
                case=case, kind=TimelineKind.PROFILE, actor=ctx.actor, at=now, sensitivity=Sensitivity.STANDARD,
                message=MSG_FLAG_ON if flagged else MSG_FLAG_OFF, params={"count": len(met)} if flagged else {},
            )  # fmt: skip
    return profile


@dataclass(frozen=True)
class RefreshResult:
    cases: int
    changed: int
    flagged: int


def profiles_refresh_all(
    *, ctx: AuditContext, criteria: Criteria | None = None, batch: int = 500
) -> RefreshResult:
    """Recompute every case's profile (after the criteria file changed); one transaction per case."""
    criteria = criteria or load_criteria()
    count = changed = flagged = 0
    last = 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        for case in Case.objects.filter(pk__in=ids).order_by("pk"):
            profile = profile_refresh(ctx=ctx, case=case, trigger="criteria_refresh", criteria=criteria)
            count += 1
            changed += profile.changed
            flagged += profile.flagged
        last = ids[-1]
    return RefreshResult(cases=count, changed=changed, flagged=flagged)


@transaction.atomic
def indicator_record(*, ctx: AuditContext, access: CaseAccess, kind: str, note: str) -> Indicator:
    """The team records an indicator (a refusal of help, a conflict with the law, …) with a note."""
    _require(access.can_write, _("Emergency access is read-only."))
    errors: dict[str, list[str]] = {}
    if kind not in IndicatorKind.values:
        errors["kind"] = [_("Unknown indicator.")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Write what the team saw: the note is what others will rely on.")]
    elif len(note) > NOTE_LIMIT:
        errors["note"] = [_("The text is too long (at most %(n)s characters).") % {"n": NOTE_LIMIT}]
    if (
        not errors
        and Indicator.objects.filter(case=access.case, kind=kind, withdrawn_at__isnull=True).exists()
    ):
        errors["kind"] = [_("This indicator is already recorded on the case.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    indicator = Indicator(
        case=access.case, kind=kind, note=note, sensitivity=indicator_sensitivity(kind), recorded_at=now,
        recorded_by=ctx.actor,
    )  # fmt: skip
    indicator.full_clean()
    indicator.save()
    timeline_add(
        case=access.case, kind=TimelineKind.PROFILE, actor=ctx.actor, at=now, sensitivity=Sensitivity.STANDARD,
        message=MSG_INDICATOR, params={"kind": _default_language(IndicatorKind(kind).label)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="profile.indicator.record", case_id=access.case.pk, object_type="indicator",
        object_id=indicator.pk, details={"kind": kind},
    )  # fmt: skip
    profile_refresh(ctx=ctx, case=access.case, trigger="indicator_recorded")
    return indicator


@transaction.atomic
def indicator_withdraw(
    *, ctx: AuditContext, access: CaseAccess, indicator: Indicator, note: str
) -> Indicator:
    """Withdraw an indicator that no longer holds (history is kept), saying why."""
    _require(access.can_write, _("Emergency access is read-only."))
    if indicator.case_id != access.case.pk:
        raise ValidationError({"indicator": [_("This indicator is about another case.")]})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the indicator no longer holds.")]})
    if len(note) > NOTE_LIMIT:
        raise ValidationError(
            {"note": [_("The text is too long (at most %(n)s characters).") % {"n": NOTE_LIMIT}]}
        )
    now = timezone.now()
    rows = Indicator.objects.filter(pk=indicator.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=ctx.actor, withdraw_note=note
    )
    if rows == 0:
        raise ValidationError({"indicator": [_("This indicator has already been withdrawn.")]})
    indicator.refresh_from_db()
    timeline_add(
        case=access.case, kind=TimelineKind.PROFILE, actor=ctx.actor, at=now, sensitivity=Sensitivity.STANDARD,
        message=MSG_INDICATOR_WITHDRAWN, params={"kind": _default_language(IndicatorKind(indicator.kind).label)},
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="profile.indicator.withdraw", case_id=access.case.pk, object_type="indicator",
        object_id=indicator.pk, reason=note, details={"kind": indicator.kind},
    )  # fmt: skip
    profile_refresh(ctx=ctx, case=access.case, trigger="indicator_withdrawn")
    return indicator
