"""Writes of the discussion tools: start a tool on a case, save a new version of it.

A tool is never overwritten. Saving adds version n+1 only if the saver started from version n
(compare-and-set on the document), so a save on top of a stale version is refused with the
fields that differ. Each save is checked by the tool's forms, writes the timeline entry and the
audit event in one transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zaedno.audit.services import AuditContext, audit_record
from zaedno.cases.access import CaseAccess
from zaedno.cases.models import Sensitivity, TimelineKind
from zaedno.cases.services import timeline_add
from zaedno.core.errors import ConflictError, FieldChange
from zaedno.tools import kinds
from zaedno.tools.models import ToolDocument, ToolKind, ToolVersion

MSG_CREATED = gettext_noop("Tool started: %(kind)s “%(title)s”")
MSG_VERSION = gettext_noop("Tool saved: %(kind)s “%(title)s”, version %(number)s")


def _require_write(access: CaseAccess) -> None:
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))


def _check_envelope(access: CaseAccess, *, meeting, sensitivity: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if meeting is not None and meeting.case_id != access.case.pk:
        errors["meeting"] = [_("Choose a meeting of this case.")]
    if sensitivity not in Sensitivity.values:
        errors["sensitivity"] = [_("Choose a sensitivity level.")]
    elif not access.sees(sensitivity):
        errors["sensitivity"] = [
            _("You cannot save above your own sharing level: you would not be able to read it yourself.")
        ]
    return errors


def _add_version(*, ctx, access, document, data, meeting, sensitivity, number) -> ToolVersion:
    version = ToolVersion(
        document=document, number=number, data=data, meeting=meeting, sensitivity=sensitivity,
        author=ctx.actor, created_at=timezone.now(),
    )  # fmt: skip
    version.full_clean(exclude=["document"])
    version.save()
    timeline_add(
        case=access.case, kind=TimelineKind.TOOL, actor=ctx.actor, at=version.created_at,
        message=MSG_CREATED if number == 1 else MSG_VERSION,
        params={"kind": ToolKind(document.kind).label, "title": document.title, "number": number},
    )  # fmt: skip
    return version


@transaction.atomic
def tool_create(
    *, ctx: AuditContext, access: CaseAccess, kind: str, title: str = "", data: dict,
    meeting=None, sensitivity: int = Sensitivity.STANDARD,
) -> ToolVersion:  # fmt: skip
    """Start a tool on the case with its first version."""
    _require_write(access)
    errors = _check_envelope(access, meeting=meeting, sensitivity=sensitivity)
    if kind not in kinds.KINDS:
        errors["kind"] = [_("Choose one of the tools.")]
        raise ValidationError(errors)
    try:
        clean = kinds.clean_data(kind, data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    document = ToolDocument(
        case=access.case, kind=kind, title=(title or "").strip() or str(ToolKind(kind).label),
        created_by=ctx.actor, created_at=now, version=1,
    )  # fmt: skip
    document.full_clean()
    document.save()
    version = _add_version(
        ctx=ctx,
        access=access,
        document=document,
        data=clean,
        meeting=meeting,
        sensitivity=sensitivity,
        number=1,
    )
    audit_record(
        ctx=ctx, action="tool.create", case_id=access.case.pk, object_type="tool_document", object_id=document.pk,
        details={"kind": kind, "version": 1, "sensitivity": int(sensitivity), "meeting": getattr(meeting, "pk", None)},
    )  # fmt: skip
    return version


def _conflict(access: CaseAccess, document: ToolDocument, data: dict) -> ConflictError:
    """What differs between the version you sent and the one saved now, field by field (only
    when you may read the one saved now)."""
    current = ToolVersion.objects.get(document=document, number=document.version)
    labels = kinds.field_labels(document.kind) if access.sees(current.sensitivity) else {}
    changes = []
    for name, label in labels.items():
        yours, theirs = data.get(name, ""), current.data.get(name, "")
        if yours != theirs:
            if isinstance(yours, list) or isinstance(theirs, list):
                yours = ", ".join(str(r.get("name", "")) for r in yours or [])
                theirs = ", ".join(str(r.get("name", "")) for r in theirs or [])
            changes.append(FieldChange(name, label, yours, theirs))
    return ConflictError(
        record="tool",
        title=document.title,
        current_version=document.version,
        changes=changes,
    )


@transaction.atomic
def tool_version_add(
    *, ctx: AuditContext, access: CaseAccess, document: ToolDocument, expected_version: int, data: dict,
    meeting=None, sensitivity: int | None = None,
) -> ToolVersion:  # fmt: skip
    """Save the tool again as a new version, on top of ``expected_version`` (the one you opened).
    Without a ``sensitivity`` the new version keeps the latest one's."""
    _require_write(access)
    if document.case_id != access.case.pk:
        raise PermissionDenied(_("This tool belongs to another case."))
    document.refresh_from_db(fields=["version"])
    latest_sensitivity = (
        ToolVersion.objects.filter(document=document, number=document.version)
        .values_list("sensitivity", flat=True)
        .first()
    )
    if latest_sensitivity is not None and not access.sees(latest_sensitivity):
        raise PermissionDenied(
            _("The latest version of this tool is above your sharing level; you cannot save over it.")
        )
    if sensitivity is None:
        sensitivity = latest_sensitivity if latest_sensitivity is not None else Sensitivity.STANDARD
    # A stale save is a conflict even when the input has errors: someone else saved meanwhile.
    if document.version != int(expected_version):
        raise _conflict(access, document, data if isinstance(data, dict) else {})
    errors = _check_envelope(access, meeting=meeting, sensitivity=sensitivity)
    try:
        clean = kinds.clean_data(document.kind, data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    number = int(expected_version) + 1
    # Compare-and-set: of two people saving on top of the same version, only one wins.
    if not ToolDocument.objects.filter(pk=document.pk, version=int(expected_version)).update(version=number):
        document.refresh_from_db(fields=["version"])
        raise _conflict(access, document, clean)
    document.version = number
    version = _add_version(
        ctx=ctx, access=access, document=document, data=clean, meeting=meeting, sensitivity=sensitivity,
        number=number,
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="tool.version.create", case_id=access.case.pk, object_type="tool_document",
        object_id=document.pk,
        details={"kind": document.kind, "version": number, "sensitivity": int(sensitivity),
                 "meeting": getattr(meeting, "pk", None)},
    )  # fmt: skip
    return version
