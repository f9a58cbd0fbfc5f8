"""Load the EKATTE classifier shipped in ``places/data`` (idempotent; used by a data migration)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str):
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def load_ekatte(Oblast, Municipality, Settlement) -> tuple[int, int, int]:  # noqa: N803 - model classes
    """Create or update every oblast, municipality and settlement; return the three counts."""
    oblasts = [
        Oblast(code=r["oblast"], ekatte=r["ekatte"], name=r["name"], region=r["region"])
        for r in _rows("oblasts.csv")
    ]
    Oblast.objects.bulk_create(
        oblasts, update_conflicts=True, unique_fields=["code"], update_fields=["ekatte", "name", "region"]
    )
    municipalities = [
        Municipality(code=r["obstina"], oblast_id=r["obstina"][:3], ekatte=r["ekatte"], name=r["name"])
        for r in _rows("municipalities.csv")
    ]
    Municipality.objects.bulk_create(
        municipalities,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["oblast", "ekatte", "name"],
    )
    settlements = [
        Settlement(ekatte=r["ekatte"], kind=r["t_v_m"], name=r["name"], municipality_id=r["obstina"])
        for r in _rows("settlements.csv")
    ]
    Settlement.objects.bulk_create(
        settlements,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["ekatte"],
        update_fields=["kind", "name", "municipality"],
    )
    return len(oblasts), len(municipalities), len(settlements)
