"""Panels of the cases app on shared pages (see zaedno/core/panels.py)."""

from __future__ import annotations

from zaedno.cases.queries import handovers_waiting_for


def work_panel(user, now):
    """Cases someone asks me to take over as case lead (one query)."""
    handovers = handovers_waiting_for(user)
    if not handovers:
        return None
    return {"template": "cases/_work_handovers.html", "handovers": handovers}
