"""Writes of organisations."""

from __future__ import annotations

from django.db import transaction

from zaedno.organisations.models import KIND_SECTOR, Organisation


@transaction.atomic
def organisation_create(
    *, name: str, kind: str, municipality, short_name: str = "", actor=None, **extra
) -> Organisation:
    """Register an organisation; its sector follows from its kind."""
    org = Organisation(
        name=name,
        short_name=short_name,
        kind=kind,
        sector=KIND_SECTOR[kind],
        municipality=municipality,
        **extra,
    )
    org.full_clean()
    org.save()
    return org
