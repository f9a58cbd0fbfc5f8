"""Reads of the discussion tools, with access checks (see zaedno/cases/access.py)."""

from __future__ import annotations

import datetime as dt


def safety_scale_series(access) -> list[tuple[dt.date, float, dict[str, int]]]:
    """The Signs-of-Safety safety scale (0–10) over time on ``access.case``: for each saved map,
    its date, the mean rating and each participant's rating by name. Used by plan reviews' charts.
    (Filled in by the tools app.)"""
    return []
