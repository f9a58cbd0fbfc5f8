"""Merging confirmed duplicates (сливане на дублирани записи на дете).

Who may merge: a **manager** of an organisation responsible for the surviving record — the
lead organisation of one of its cases, or the organisation that registered it. The merged-away
record's cases keep their lead and team, so nobody gains access to a case through a merge; the
surviving record's own team sees the moved relatives at their usual sharing level, as they are
the same child's relatives.

What happens: every record pointing at the merged-away child (cases, relatives, service and
school episodes and moves, join requests, and any other app's rows) is pointed at the surviving
one; its ЕГН/ЛНЧ and any detail the surviving record lacks (middle name, settlement, address)
are taken over; the merged-away row is kept, marked ``merged_into``, never deleted. A
:class:`ChildMerge` row lists every moved id, the audit event the same (without values), and
each affected case gets a timeline entry. Two records with different ЕГН (or ЛНЧ) are two
children: such a merge is refused.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.models import Case, CaseStatus, TimelineKind
from zaedno.children.models import Child, ChildMerge
from zaedno.notifications.services import notification_send

MSG_MERGED = gettext_noop("A duplicate record of the child was merged into this child's record by %(name)s")
FILLED_FIELDS = ("middle_name", "settlement", "address")


def merge_organisations(child: Child) -> set[int]:
    """The organisations whose managers may merge duplicates into ``child``."""
    orgs = set(Case.objects.filter(child=child).values_list("lead_organisation_id", flat=True))
    if child.created_by_organisation_id:
        orgs.add(child.created_by_organisation_id)
    return orgs


def merge_allowed(user, target: Child) -> bool:
    """Whether ``user`` may merge duplicates into ``target`` (see the module docstring)."""
    if not getattr(user, "is_authenticated", False) or target.merged_into_id:
        return False
    return Membership.objects.filter(
        user=user, role=Role.MANAGER, is_active=True, organisation_id__in=merge_organisations(target)
    ).exists()


def _references():
    """Every (model, field name) pointing at a child, except the merge records themselves."""
    for rel in Child._meta.related_objects:
        if rel.related_model is ChildMerge or not (rel.one_to_many or rel.one_to_one):
            continue
        yield rel.related_model, rel.field.name


@transaction.atomic
def child_merge(*, ctx: AuditContext, source: Child, target: Child, reason: str) -> ChildMerge:
    """Merge ``source`` (a confirmed duplicate) into ``target``; see the module docstring."""
    actor = ctx.actor
    if not merge_allowed(actor, target):
        raise PermissionDenied(
            _(
                "Only a manager of the organisation that registered this child, or of the lead "
                "organisation of one of its cases, can merge duplicates into it."
            )
        )
    source = Child.objects.select_for_update().get(pk=source.pk)
    target = Child.objects.select_for_update().get(pk=target.pk)
    errors: dict[str, list[str]] = {}
    if source.pk == target.pk:
        errors["source"] = [_("A record cannot be merged into itself.")]
    elif source.merged_into_id:
        errors["source"] = [_("This record has already been merged into another.")]
    for field, label in (("egn", _("ЕГН")), ("lnch", _("ЛНЧ"))):
        a, b = getattr(source, field), getattr(target, field)
        if a and b and a != b:
            errors.setdefault(field, []).append(
                _("The two records have different %(id)s numbers: they are two different children.")
                % {"id": label}
            )
    if not (reason or "").strip():
        errors["reason"] = [_("Say how you confirmed that the two records are the same child.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    moved: dict[str, list] = {}
    try:
        with transaction.atomic():
            for model, name in _references():
                qs = model._base_manager.filter(**{name: source})
                ids = list(qs.values_list("pk", flat=True))
                if ids:
                    qs.update(**{name: target})
                    moved[f"{model._meta.label}.{name}"] = ids
    except IntegrityError as exc:
        raise ValidationError(
            {"source": [_("The records could not be merged: %(error)s") % {"error": exc}]}
        ) from exc
    taken: dict[str, str] = {}
    identifiers: dict[str, str] = {}
    source_changes: dict = {"merged_into": target, "merged_at": now}
    target_changes: dict = {}
    for field in ("egn", "lnch"):
        value = getattr(source, field)
        if value and not getattr(target, field):
            identifiers[field] = value
            source_changes[field] = None  # unique: the surviving record takes it over
            target_changes[field] = value
    for field in FILLED_FIELDS:
        if getattr(source, f"{field}_id" if field == "settlement" else field) and not getattr(
            target, f"{field}_id" if field == "settlement" else field
        ):
            target_changes[field] = getattr(source, field)
            taken[field] = "filled"
    for obj, changes in ((source, source_changes), (target, target_changes)):
        if changes:
            for k, v in changes.items():
                setattr(obj, k, v)
            obj.version += 1
            obj.save(update_fields=[*changes, "version", "updated_at"])
    if "middle_name" in target_changes:
        from zaedno.children.services import _fill_names

        _fill_names(target)
        target.save(update_fields=["name_latin", "search_key"])
    merge = ChildMerge.objects.create(
        source=source, target=target, merged_by=actor, merged_at=now, reason=reason.strip(),
        moved={"records": moved, "identifiers": identifiers, "filled": sorted(taken)},
    )  # fmt: skip
    summary = {label: len(ids) for label, ids in moved.items()}
    audit_record(
        ctx=ctx, action="child.merge", object_type="child", object_id=target.pk, reason=reason.strip(),
        details={
            "source": source.pk, "target": target.pk, "merge": merge.pk, "moved": moved, "counts": summary,
            "identifiers": sorted(identifiers), "filled": sorted(taken),
        },
    )  # fmt: skip
    from zaedno.cases.services import timeline_add

    for case in Case.objects.filter(child=target).select_related("lead"):
        timeline_add(
            case=case,
            kind=TimelineKind.UPDATED,
            actor=actor,
            at=now,
            message=MSG_MERGED,
            params={"name": actor},
        )
        audit_record(
            ctx=ctx, action="case.child_merged", case_id=case.pk, object_type="child", object_id=target.pk,
            details={"source": source.pk, "target": target.pk, "merge": merge.pk},
        )  # fmt: skip
        if (
            case.lead_id != actor.pk
            and case.status != CaseStatus.CLOSED
            and case.pk in moved.get("cases.Case.child", [])
        ):
            notification_send(
                user=case.lead, kind="child.merged", case_id=case.pk, url=reverse("cases:detail", args=[case.pk]),
                title=gettext_noop("The child's record of case %(number)s was merged with a duplicate"),
                params={"number": case.number},
            )  # fmt: skip
    return merge
