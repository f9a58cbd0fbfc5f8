"""Reads of the resource map. The map holds no case data: every signed-in professional reads all
of it, so there is no access check beyond being signed in (the views and the API require it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zaedno.core.translit import search_key
from zaedno.resources.models import Service
from zaedno.resources.services import editable_organisations, stale_before


@dataclass(frozen=True)
class Language:
    code: str
    label: object
    spellings: tuple[str, ...]  # what the free-text "languages" field may hold (stems)


# Languages in which a service can work with a child and family; the filter matches the stems in
# either language, as organisations write the field freely ("ромски", "Romani").
LANGUAGES = (
    Language("bg", _("Bulgarian"), ("българск", "bulgarian")),
    Language("rom", _("Romani"), ("ромски", "romani", "romanes")),
    Language("tr", _("Turkish"), ("турски", "turkish")),
    Language("en", _("English"), ("английск", "english")),
    Language("ru", _("Russian"), ("руски", "russian")),
    Language("uk", _("Ukrainian"), ("украинск", "ukrainian")),
    Language("ar", _("Arabic"), ("арабск", "arabic")),
    Language("sign", _("Bulgarian Sign Language"), ("жестов", "sign")),
)
LANGUAGE_CHOICES = [(lang.code, lang.label) for lang in LANGUAGES]


def service_search(filters: dict, *, user=None, today: dt.date | None = None) -> QuerySet[Service]:
    """The entries matching the filters of the list (also the map, the export and the API).

    ``filters`` holds the cleaned values of ``ServiceFilterForm``; empty values are ignored.
    Inactive entries are shown only with ``mine`` (their organisation may re-activate them).
    """
    qs = Service.objects.select_related("organisation", "settlement", "settlement__municipality")
    if filters.get("mine") and user is not None:
        qs = qs.filter(organisation__in=editable_organisations(user))
    else:
        qs = qs.filter(is_active=True)
    for word in search_key(filters.get("q") or "").split():
        qs = qs.filter(search_key__contains=word)
    if filters.get("municipality"):
        qs = qs.filter(settlement__municipality=filters["municipality"])
    settlement = (filters.get("settlement") or "").strip()
    if settlement:
        if settlement.isdigit():
            qs = qs.filter(settlement_id=settlement.zfill(5))
        else:
            qs = qs.filter(settlement__name__icontains=settlement.removeprefix("гр. ").removeprefix("с. "))
    if filters.get("sector"):
        qs = qs.filter(sector=filters["sector"])
    if filters.get("type"):
        qs = qs.filter(type=filters["type"])
    age = filters.get("age")
    if age is not None:
        qs = qs.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=age), Q(age_max__isnull=True) | Q(age_max__gte=age)
        )
    if filters.get("free_places"):
        qs = qs.filter(free_places__gt=0)
    if filters.get("free_of_charge"):
        qs = qs.filter(is_free=True)
    language = next((lang for lang in LANGUAGES if lang.code == filters.get("language")), None)
    if language is not None:
        match = Q()
        for stem in language.spellings:
            match |= Q(languages__icontains=stem)
        qs = qs.filter(match)
    if filters.get("stale"):
        qs = qs.filter(last_confirmed_on__lt=stale_before(today))
    return qs.order_by("name", "id")


def service_get(service_id: int) -> Service | None:
    return (
        Service.objects.select_related(
            "organisation",
            "organisation__municipality",
            "settlement",
            "settlement__municipality",
            "confirmed_by",
        )
        .filter(pk=service_id)
        .first()
    )


def markers(qs: QuerySet[Service], *, limit: int = 3000) -> list[dict]:
    """The map's markers: active entries with coordinates, as plain data for the page's script."""
    from django.urls import reverse

    out = []
    for s in qs.filter(is_active=True, latitude__isnull=False, longitude__isnull=False)[:limit]:
        out.append(
            {
                "id": s.pk,
                "name": s.name,
                "organisation": str(s.organisation),
                "type": str(s.get_type_display()),
                "sector": s.sector,
                "lat": float(s.latitude),
                "lon": float(s.longitude),
                "free": s.free_places,
                "capacity": s.capacity,
                "phone": s.phone,
                "url": reverse("resources:detail", args=[s.pk]),
            }
        )
    return out
