"""Writes of children and the adults around them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.bg import egn as stdnum_egn
from stdnum.bg import pnf as stdnum_pnf

from zaedno.audit.models import AuditKind
from zaedno.audit.services import AuditContext, audit_record
from zaedno.children.duplicates import STRONG, DuplicateQuery, find_duplicates
from zaedno.children.identifiers import clean_egn, clean_lnch, egn_birth_date, egn_sex
from zaedno.children.models import Child, DuplicateCheck, Relative
from zaedno.children.queries import child_rights, duplicate_hints
from zaedno.core.concurrency import save_versioned
from zaedno.core.translit import search_key, to_latin


def _primary_organisation(user):
    m = user.memberships.filter(is_active=True).select_related("organisation").order_by("id").first()
    return m.organisation if m else None


def validate_identity(
    *, egn: str | None, lnch: str | None, birth_date: dt.date | None, sex: str | None
) -> dict:
    """Check ЕГН/ЛНЧ and their agreement with birth date and sex; errors are keyed by field."""
    errors: dict[str, list[str]] = {}
    clean: dict = {"egn": None, "lnch": None}
    if birth_date and birth_date > timezone.localdate():
        errors.setdefault("birth_date", []).append(_("The birth date cannot be in the future."))
    if egn:
        try:
            clean["egn"] = clean_egn(egn)
        except ValidationError as exc:
            errors.setdefault("egn", []).extend(exc.messages)
        else:
            if birth_date and egn_birth_date(clean["egn"]) != birth_date:
                errors.setdefault("egn", []).append(
                    _("The ЕГН encodes the birth date %(date)s, which differs from the birth date given.")
                    % {"date": egn_birth_date(clean["egn"]).strftime("%d.%m.%Y")}
                )
            if sex and egn_sex(clean["egn"]) != sex:
                errors.setdefault("egn", []).append(_("The ЕГН encodes a different sex than the one given."))
    if lnch:
        try:
            clean["lnch"] = clean_lnch(lnch)
        except ValidationError as exc:
            errors.setdefault("lnch", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return clean


def _fill_names(child: Child) -> None:
    full = child.full_name
    child.name_latin = to_latin(full)
    child.search_key = search_key(full)


@transaction.atomic
def child_register(
    *,
    ctx: AuditContext,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    sex: str,
    middle_name: str = "",
    egn: str | None = None,
    lnch: str | None = None,
    settlement=None,
    address: str = "",
    distinct_from: list[int] | tuple = (),
) -> Child:
    """Register a child (регистриране на дете); identifiers validated, names transliterated.

    ``distinct_from``: the likely existing records the user was shown and confirmed to be other
    children (kept in the audit).
    """
    actor = ctx.actor
    ids = validate_identity(egn=egn, lnch=lnch, birth_date=birth_date, sex=sex)
    for field in ("egn", "lnch"):
        if ids[field] and Child.objects.filter(**{field: ids[field]}).exists():
            raise ValidationError(
                {
                    field: [
                        _(
                            "A child with this number is already registered. Ask to join the case team instead."
                        )
                    ]
                }
            )
    child = Child(
        first_name=first_name.strip(),
        middle_name=(middle_name or "").strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        sex=sex,
        egn=ids["egn"],
        lnch=ids["lnch"],
        settlement=settlement,
        address=address,
        created_by=actor,
        created_by_organisation=_primary_organisation(actor),
    )
    _fill_names(child)
    child.full_clean()
    child.save()
    audit_record(
        ctx=ctx, action="child.register", object_type="child", object_id=child.pk,
        details={"distinct_from": list(distinct_from)} if distinct_from else None,
    )  # fmt: skip
    return child


EDITABLE_CHILD_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "birth_date",
    "sex",
    "egn",
    "lnch",
    "settlement",
    "address",
)


@transaction.atomic
def child_update(*, ctx: AuditContext, child: Child, expected_version: int, **changes) -> Child:
    """Edit a child's details; refused with a conflict if someone saved in between."""
    rights = child_rights(ctx.actor, child)
    if not rights.can_edit:
        raise PermissionDenied(_("Only the child's case team can change the child's record."))
    if not rights.sees_identity and any(
        f in changes and ((changes[f] or "").replace(" ", "") or None) != getattr(child, f)
        for f in ("egn", "lnch")
    ):
        raise PermissionDenied(
            _("The ЕГН and ЛНЧ can be changed only by members with the sensitive sharing level.")
        )
    unknown = set(changes) - set(EDITABLE_CHILD_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    merged = {f: changes.get(f, getattr(child, f)) for f in ("egn", "lnch", "birth_date", "sex")}
    ids = validate_identity(**merged)
    for field in ("egn", "lnch"):
        if field in changes:
            changes[field] = ids[field]
    preview = Child(
        **{f: changes.get(f, getattr(child, f)) for f in ("first_name", "middle_name", "last_name")}
    )
    _fill_names(preview)
    changes["name_latin"], changes["search_key"] = preview.name_latin, preview.search_key
    save_versioned(child, expected_version=expected_version, changes=changes, record="child")
    audit_record(
        ctx=ctx, action="child.update", object_type="child", object_id=child.pk,
        details={"fields": sorted(k for k in changes if k not in ("name_latin", "search_key"))},
    )  # fmt: skip
    return child


@transaction.atomic
def relative_add(*, ctx: AuditContext, child: Child, full_name: str, relationship: str, **fields) -> Relative:
    """Record a relative or significant adult of the child."""
    if not child_rights(ctx.actor, child).can_edit:
        raise PermissionDenied(_("Only the child's case team can change the child's record."))
    relative = Relative(child=child, full_name=full_name.strip(), relationship=relationship, **fields)
    relative.full_clean()
    relative.save()
    audit_record(
        ctx=ctx,
        action="relative.add",
        object_type="relative",
        object_id=relative.pk,
        details={"child": child.pk},
    )
    return relative


# --- likely duplicates -------------------------------------------------------------------


def _typed_digest(query: DuplicateQuery) -> str:
    """A keyed hash of what was typed: the audit can tell two identical searches apart from
    different ones, but nobody can read (or cheaply guess back) the ЕГН or names typed."""
    canonical = json.dumps(
        [query.first_name.strip().lower(), query.middle_name.strip().lower(), query.last_name.strip().lower(),
         query.birth_date.isoformat() if query.birth_date else "", query.egn or "", query.lnch or ""],
        ensure_ascii=False,
    )  # fmt: skip
    return hmac.new(settings.SECRET_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()


_TEN_DIGITS = re.compile(r"(?<!\d)\d{10}(?!\d)")
IDENTIFIER_MASK = "[ЕГН/ЛНЧ]"


def search_term_for_audit(query: str, *, limit: int = 100) -> dict:
    """What a search typed, fit for the append-only audit: every ЕГН or ЛНЧ in it replaced by a
    mark, with the same keyed hash the duplicate check stores (:func:`_typed_digest` of a check
    by that number alone), so two searches for one child can be matched but never read back.

    Returns ``{"query": …}`` plus ``"query_hmac": [...]`` when an identifier was taken out.
    """
    query = (query or "").strip()
    digests: list[str] = []

    def digest_of(number: str) -> str | None:
        if stdnum_egn.is_valid(number):
            return _typed_digest(DuplicateQuery(egn=number))
        if stdnum_pnf.is_valid(number):
            return _typed_digest(DuplicateQuery(lnch=number))
        return None

    compact = query.replace(" ", "")
    whole = digest_of(compact) if len(compact) == 10 and compact.isdigit() else None
    if whole:
        digests.append(whole)
        text = IDENTIFIER_MASK
    else:

        def mask(match: re.Match) -> str:
            d = digest_of(match.group(0))
            if d is None:
                return match.group(0)
            digests.append(d)
            return IDENTIFIER_MASK

        text = _TEN_DIGITS.sub(mask, query)
    out: dict = {"query": text[:limit]}
    if digests:
        out["query_hmac"] = digests
    return out


def clean_duplicate_query(
    *, first_name: str = "", last_name: str = "", birth_date: dt.date | None = None, middle_name: str = "",
    egn: str | None = None, lnch: str | None = None,
) -> DuplicateQuery:  # fmt: skip
    """Validate a duplicate check: an ЕГН/ЛНЧ, or a first and last name with a birth date."""
    errors: dict[str, list[str]] = {}
    ids = {"egn": None, "lnch": None}
    for name, value, clean in (("egn", egn, clean_egn), ("lnch", lnch, clean_lnch)):
        value = (value or "").replace(" ", "")
        if value:
            try:
                ids[name] = clean(value)
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.messages)
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    has_name = bool(first_name and last_name and (birth_date or ids["egn"]))
    if not errors and not (ids["egn"] or ids["lnch"] or has_name):
        errors["__all__"] = [
            _("Give the ЕГН or ЛНЧ, or the first and last name with the birth date, to look for the child.")
        ]
    if errors:
        raise ValidationError(errors)
    return DuplicateQuery(
        first_name=first_name, last_name=last_name, birth_date=birth_date,
        middle_name=(middle_name or "").strip(), egn=ids["egn"], lnch=ids["lnch"],
    )  # fmt: skip


@transaction.atomic
def duplicate_check(*, ctx: AuditContext, query: DuplicateQuery, exclude_id: int | None = None) -> list:
    """Look for likely existing records of a child and tell the user only what they may know
    (:func:`zaedno.children.queries.duplicate_hints`); the check is audited with what was typed
    hashed, and kept so that the user may then ask to join the team of a record found."""
    matches = find_duplicates(query, exclude_id=exclude_id)
    digest = _typed_digest(query)
    DuplicateCheck.objects.create(
        user=ctx.actor, at=timezone.now(), digest=digest, fields=query.typed_fields(),
        matches=[m.child_id for m in matches],
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="child.duplicate_check", kind=AuditKind.READ, object_type="child",
        details={
            "typed": query.typed_fields(), "digest": digest, "matches": len(matches),
            "strong": sum(1 for m in matches if m.strength == STRONG),
            "child_ids": [m.child_id for m in matches],
        },
    )  # fmt: skip
    return duplicate_hints(ctx.actor, matches)
