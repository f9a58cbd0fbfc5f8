"""Writes of the resource map: an organisation's members add, correct and confirm its entries.

The rules of an entry (ages in order, free places within the capacity, coordinates inside
Bulgaria, a sector that fits the type) are checked here by :func:`service_problems`, which the
form (and so the CSV/XLSX import) calls too, so the web page, the API and the import cannot
disagree. Messages are plain and name the values, because the import shows them per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zaedno.accounts.models import Membership, Role
from zaedno.audit.services import AuditContext, audit_record
from zaedno.core.concurrency import save_versioned
from zaedno.core.translit import search_key
from zaedno.organisations.models import Organisation, Sector
from zaedno.places.models import Settlement
from zaedno.resources.models import Service, ServiceType

T = ServiceType
S = Sector

# Which sectors a type of service can belong to; the first is the usual one (the default when
# the sector is left empty). A ЦОП is a social service whether the municipality or an NGO runs
# it, so the service's sector need not be its organisation's.
TYPE_SECTORS: dict[str, tuple[str, ...]] = {
    T.COP: (S.SOCIAL, S.NGO, S.MUNICIPALITY),
    T.CSRI: (S.SOCIAL, S.NGO, S.MUNICIPALITY),
    T.CNST: (S.SOCIAL, S.NGO, S.MUNICIPALITY),
    T.CRISIS_CENTRE: (S.SOCIAL, S.NGO, S.MUNICIPALITY),
    T.DAY_CENTRE: (S.SOCIAL, S.NGO, S.MUNICIPALITY),
    T.FOSTER_CARE: (S.SOCIAL, S.MUNICIPALITY, S.NGO),
    T.FAMILY_SUPPORT: (S.SOCIAL, S.NGO, S.MUNICIPALITY, S.COMMUNITY),
    T.MOTHER_BABY: (S.SOCIAL, S.NGO, S.MUNICIPALITY),
    T.GP: (S.HEALTH,),
    T.HOSPITAL: (S.HEALTH,),
    T.MENTAL_HEALTH: (S.HEALTH, S.NGO),
    T.EARLY_INTERVENTION: (S.HEALTH, S.SOCIAL, S.NGO),
    T.SCHOOL: (S.EDUCATION,),
    T.KINDERGARTEN: (S.EDUCATION,),
    T.RESOURCE_CENTRE: (S.EDUCATION,),
    T.PERSONAL_DEVELOPMENT: (S.EDUCATION, S.MUNICIPALITY),
    T.DPS: (S.POLICE,),
    T.MKBPPMN: (S.MUNICIPALITY, S.POLICE),
    T.PROBATION: (S.POLICE,),
    T.LEGAL_AID: (S.POLICE, S.NGO),
    T.CLUB: (S.COMMUNITY, S.NGO, S.MUNICIPALITY, S.EDUCATION),
    T.MENTOR: (S.COMMUNITY, S.NGO),
    T.CHURCH: (S.COMMUNITY,),
    T.YOUTH_CENTRE: (S.COMMUNITY, S.MUNICIPALITY, S.NGO),
    T.CHITALISHTE: (S.COMMUNITY,),
    T.OTHER: tuple(S.values),
}

# Roughly the frame of Bulgaria: a point outside it is a typo or swapped latitude and longitude.
BULGARIA_LAT = (Decimal("41.2"), Decimal("44.3"))
BULGARIA_LON = (Decimal("22.3"), Decimal("28.7"))
AGE_MAX = 29  # youth services reach young people up to 29 (Закон за младежта)


@dataclass(frozen=True)
class FieldSpec:
    """One field of an entry: its label, whether it is required, and its type (for forms, import
    templates and the export's header)."""

    label: object
    required: bool
    type: str  # "text", "longtext", "choice", "int", "decimal", "bool", "ekatte", "email", "url"


SERVICE_FIELDS: dict[str, FieldSpec] = {
    "name": FieldSpec(gettext_lazy("name"), True, "text"),
    "type": FieldSpec(gettext_lazy("type"), True, "choice"),
    "sector": FieldSpec(gettext_lazy("sector"), False, "choice"),
    "description": FieldSpec(gettext_lazy("what it offers"), False, "longtext"),
    "target_group": FieldSpec(gettext_lazy("target group"), False, "text"),
    "age_min": FieldSpec(gettext_lazy("from age"), False, "int"),
    "age_max": FieldSpec(gettext_lazy("to age"), False, "int"),
    "capacity": FieldSpec(gettext_lazy("capacity"), False, "int"),
    "free_places": FieldSpec(gettext_lazy("free places now"), False, "int"),
    "settlement": FieldSpec(gettext_lazy("settlement (EKATTE code)"), True, "ekatte"),
    "address": FieldSpec(gettext_lazy("address"), False, "text"),
    "latitude": FieldSpec(gettext_lazy("latitude"), False, "decimal"),
    "longitude": FieldSpec(gettext_lazy("longitude"), False, "decimal"),
    "contact_person": FieldSpec(gettext_lazy("contact person"), False, "text"),
    "phone": FieldSpec(gettext_lazy("phone"), False, "text"),
    "email": FieldSpec(gettext_lazy("e-mail"), False, "email"),
    "website": FieldSpec(gettext_lazy("website"), False, "url"),
    "hours": FieldSpec(gettext_lazy("opening hours"), False, "text"),
    "eligibility": FieldSpec(gettext_lazy("who can use it and how"), False, "longtext"),
    "languages": FieldSpec(gettext_lazy("languages"), False, "text"),
    "cost": FieldSpec(gettext_lazy("cost"), False, "text"),
    "is_free": FieldSpec(gettext_lazy("free of charge"), False, "bool"),
    "is_active": FieldSpec(gettext_lazy("active"), False, "bool"),
}
EDITABLE = tuple(SERVICE_FIELDS)
EDITOR_ROLES = (Role.PRACTITIONER, Role.MANAGER)


def can_edit_services(user, organisation: Organisation | int) -> bool:
    """Practitioners and managers of the organisation keep its entries current; others read."""
    if not getattr(user, "is_authenticated", False):
        return False
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return Membership.objects.filter(
        user=user, organisation_id=org_id, is_active=True, role__in=EDITOR_ROLES
    ).exists()


def editable_organisations(user):
    """The organisations whose entries ``user`` may add and correct."""
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__is_active=True,
        memberships__role__in=EDITOR_ROLES,
        is_active=True,
    ).distinct()


def service_problems(values: dict) -> dict[str, list[str]]:
    """The rules an entry must meet, as plain messages per field (empty when it is fine).

    ``values`` holds cleaned values (numbers as numbers, the settlement as a Settlement or None).
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    age_min, age_max = values.get("age_min"), values.get("age_max")
    for field, age in (("age_min", age_min), ("age_max", age_max)):
        if age is not None and not 0 <= age <= AGE_MAX:
            add(field, _("The age (%(age)s) must be between 0 and %(max)s.") % {"age": age, "max": AGE_MAX})
    if age_min is not None and age_max is not None and age_min > age_max:
        add(
            "age_max",
            _("The ages are in the wrong order: from %(min)s to %(max)s.") % {"min": age_min, "max": age_max},
        )
    capacity, free = values.get("capacity"), values.get("free_places")
    if capacity is not None and free is not None and free > capacity:
        add(
            "free_places",
            _("Free places (%(free)s) are more than the capacity (%(capacity)s).")
            % {"free": free, "capacity": capacity},
        )
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        add("longitude" if lon is None else "latitude", _("Give both latitude and longitude, or neither."))
    elif lat is not None:
        lat, lon = Decimal(str(lat)), Decimal(str(lon))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            add("latitude", _("The coordinates (%(lat)s, %(lon)s) are not valid.") % {"lat": lat, "lon": lon})
        elif not (BULGARIA_LAT[0] <= lat <= BULGARIA_LAT[1] and BULGARIA_LON[0] <= lon <= BULGARIA_LON[1]):
            add(
                "latitude",
                _(
                    "The coordinates (%(lat)s, %(lon)s) are outside Bulgaria; are latitude and "
                    "longitude swapped?"
                )
                % {"lat": lat, "lon": lon},
            )
    type_, sector = values.get("type"), values.get("sector")
    if type_ and sector and sector not in TYPE_SECTORS.get(type_, ()):
        add(
            "sector",
            _("A “%(type)s” cannot be in the sector “%(sector)s”; it can be: %(allowed)s.")
            % {
                "type": ServiceType(type_).label,
                "sector": Sector(sector).label,
                "allowed": ", ".join(str(Sector(s).label) for s in TYPE_SECTORS[type_]),
            },
        )
    if "settlement" in values:
        settlement = values["settlement"]
        if settlement is None or settlement == "":
            add("settlement", _("Choose the settlement."))
        elif isinstance(settlement, str):
            add("settlement", _("No settlement has the EKATTE code “%(code)s”.") % {"code": settlement})
    return errors


def _key(name: str, organisation: Organisation) -> str:
    """The search key of an entry: its name and its organisation's, so either finds it in
    Cyrillic or Latin."""
    return search_key(" ".join(filter(None, [name, organisation.short_name, organisation.name])))[:250]


def _normalised(data: dict) -> dict:
    """Only the editable fields; a settlement may be given by its EKATTE code; the sector
    defaults to the usual one of the type."""
    values = {k: v for k, v in data.items() if k in EDITABLE}
    settlement = values.get("settlement")
    if isinstance(settlement, str) and settlement.strip():
        # An unknown code stays a string, which service_problems reports.
        values["settlement"] = (
            Settlement.objects.filter(ekatte=settlement.strip()).first() or settlement.strip()
        )
    for text in ("name", "description", "target_group", "address", "contact_person", "phone", "hours"):
        if isinstance(values.get(text), str):
            values[text] = values[text].strip()
    if "sector" in values and not values["sector"]:
        del values["sector"]
    for name in list(values):
        if values[name] is None and name != "settlement" and not Service._meta.get_field(name).null:
            del values[name]  # an empty cell keeps the default ("" or the model's default)
    return values


def _validate(values: dict) -> None:
    problems = service_problems(values)
    if problems:
        raise ValidationError(problems)


def _require_editor(ctx: AuditContext, organisation: Organisation, allowed: bool | None = None) -> None:
    if allowed is None:
        allowed = can_edit_services(ctx.actor, organisation)
    if not allowed:
        raise PermissionDenied(
            _("Only the organisation's own practitioners and managers can change its entries.")
        )


def _details(values: dict) -> dict:
    return {k: (v.pk if hasattr(v, "pk") else str(v) if v is not None else None) for k, v in values.items()}


@transaction.atomic
def service_create(
    *, ctx: AuditContext, organisation: Organisation, data: dict, actor_can_manage=None
) -> Service:
    """Add an entry for ``organisation``; it counts as confirmed today by the actor.

    ``actor_can_manage`` lets a caller that already checked the actor's right (the import, for
    each row) skip the check; ``None`` checks it here.
    """
    _require_editor(ctx, organisation, actor_can_manage)
    values = _normalised(data)
    values.setdefault("settlement", None)
    values.setdefault("sector", TYPE_SECTORS.get(values.get("type"), (Sector.COMMUNITY,))[0])
    _validate(values)
    service = Service(
        organisation=organisation,
        last_confirmed_on=timezone.localdate(),
        confirmed_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        **values,
    )
    service.search_key = _key(service.name, organisation)
    # The constraints' rules were checked above (``_validate``, in plain words) and the database
    # enforces them; Django's check would add one SELECT per constraint — a third of an import.
    service.full_clean(validate_constraints=False)
    service.save()
    audit_record(
        ctx=ctx, action="service.create", object_type="service", object_id=service.pk,
        details={"organisation": organisation.pk, "name": service.name, "type": service.type},
    )  # fmt: skip
    return service


@transaction.atomic
def service_update(*, ctx: AuditContext, service: Service, data: dict, expected_version: int) -> Service:
    """Correct an entry (only the fields given); saving it also confirms it as current.

    Raises ConflictError when someone saved it since ``expected_version`` (409 in the API).
    """
    _require_editor(ctx, service.organisation)
    values = _normalised(data)
    merged = {name: getattr(service, name) for name in EDITABLE} | values
    if "type" in values and "sector" not in values:
        # A new type keeps the sector if it still fits, else takes the type's usual one.
        allowed = TYPE_SECTORS.get(values["type"], ())
        if merged["sector"] not in allowed and allowed:
            merged["sector"] = values["sector"] = allowed[0]
    _validate(merged)
    changes = {k: v for k, v in values.items() if getattr(service, k) != v}
    changed = sorted(changes)
    if "name" in changes:
        changes["search_key"] = _key(changes["name"], service.organisation)
    changes |= _confirmation(ctx)
    save_versioned(service, expected_version=expected_version, changes=changes, record="entry")
    audit_record(
        ctx=ctx, action="service.update", object_type="service", object_id=service.pk,
        details={"changed": changed, "values": _details({k: values[k] for k in changed})},
    )  # fmt: skip
    return service


def _confirmation(ctx: AuditContext) -> dict:
    return {
        "last_confirmed_on": timezone.localdate(),
        "confirmed_by": ctx.actor if getattr(ctx.actor, "pk", None) else None,
        "stale_notified_at": None,
    }


@transaction.atomic
def service_confirm(*, ctx: AuditContext, service: Service) -> Service:
    """Confirm the entry is still right as it stands (marks it confirmed today).

    Confirming does not change the version: someone editing the entry at the same moment does
    not lose their changes to a mere confirmation.
    """
    _require_editor(ctx, service.organisation)
    values = _confirmation(ctx)
    Service.objects.filter(pk=service.pk).update(**values, updated_at=timezone.now())
    for name, value in values.items():
        setattr(service, name, value)
    audit_record(
        ctx=ctx, action="service.confirm", object_type="service", object_id=service.pk,
        details={"on": values["last_confirmed_on"].isoformat()},
    )  # fmt: skip
    return service


def stale_before(today: dt.date | None = None) -> dt.date:
    """Entries last confirmed before this date are stale (ZAEDNO_RESOURCE_STALE_DAYS)."""
    from django.conf import settings

    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.ZAEDNO_RESOURCE_STALE_DAYS)


def is_stale(service: Service, today: dt.date | None = None) -> bool:
    return service.last_confirmed_on < stale_before(today)
