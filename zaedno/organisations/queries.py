"""Reads of organisations: reference data (no case data), so no access check."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from zaedno.organisations.models import INSTITUTION_KINDS, Coverage, Organisation


def covering(institution: str, municipality) -> list[Organisation]:
    """The organisations that receive signals as ``institution`` for a child in ``municipality``.

    The most specific coverage rows win — the municipality's, else its oblast's, else the whole
    country's (one query). With no row at all, the active organisations of the institution's
    kinds based in that municipality stand in (for ДАЗД: anywhere), so a new installation routes
    before anyone fills the table; the first kind in ``INSTITUTION_KINDS`` that has one wins.
    """
    if municipality is None:
        return []
    rows = list(
        Coverage.objects.filter(
            Q(municipality=municipality)
            | Q(oblast_id=municipality.oblast_id)
            | Q(municipality__isnull=True, oblast__isnull=True),
            institution=institution,
            organisation__is_active=True,
        )
        .annotate(
            rank=Case(
                When(municipality__isnull=False, then=Value(0)),
                When(oblast__isnull=False, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("organisation", "organisation__municipality")
        .order_by("rank", "organisation_id")
    )
    if rows:
        best = rows[0].rank
        return [r.organisation for r in rows if r.rank == best]
    kinds = INSTITUTION_KINDS[institution]
    qs = Organisation.objects.filter(kind__in=kinds, is_active=True).select_related("municipality")
    if institution != "dazd":
        qs = qs.filter(municipality=municipality)
    found = list(qs.order_by("pk"))
    for kind in kinds:
        of_kind = [o for o in found if o.kind == kind]
        if of_kind:
            # One department receives a municipality's signals; police and ДАЗД may be several.
            return of_kind[:1] if institution == "ozd" else of_kind
    return []
