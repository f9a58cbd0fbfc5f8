"""The migration that turned the old signals (one per case, inside the case) into signals of their own,
run on a copy of the demo database.

The demo is loaded, the database is taken back to before signals had records of their own (the
reverse of the migration writes the old rows), and migrated forward again: every old signal must
come back as a signal decided "case opened" on its case, with what it said, the timeline must name
the signal instead of who reported it, and the audit chain must hold.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zaedno.audit.services import audit_verify

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("signals", None)]  # cases 0006: a signal inside its case, no signals app yet


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_old_signals_become_decided_signals_on_a_copy_of_the_demo(django_db_setup):
    call_command("demo", "--no-serve", stdout=StringIO())
    from zaedno.signals.models import Signal

    expected = sorted(
        (s.case_id, s.category, s.description, s.received_at, s.reporter_name or "—")
        for s in Signal.objects.exclude(case=None)
    )
    assert len(expected) >= 50

    executor = _migrate(BEFORE)
    old_apps = executor.loader.project_state([("cases", "0006_lead_handover_deputy")]).apps
    OldSignal = old_apps.get_model("cases", "Signal")
    old_rows = sorted(
        (s.case_id, s.category, s.description, s.received_at, s.reporter_name)
        for s in OldSignal.objects.all()
    )
    assert old_rows == expected  # the state before the migration: one row inside each case's signals
    old_timeline = old_apps.get_model("cases", "TimelineEntry").objects.filter(kind="signal")
    assert all("reporter" in (e.params or {}) for e in old_timeline)

    executor = _migrate(executor.loader.graph.leaf_nodes())
    new_apps = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    Migrated = new_apps.get_model("signals", "Signal")
    rows = list(Migrated.objects.all())
    assert (
        sorted((s.case_id, s.category, s.description, s.received_at, s.reporter_name) for s in rows)
        == old_rows
    )
    assert all(s.legacy_id and s.status == "decided" and s.decision == "open_case" for s in rows)
    assert all(s.child_id == s.case.child_id and s.recipient_id == s.case.lead_organisation_id for s in rows)
    assert all(s.decided_at == s.case.opened_at for s in rows)
    numbers = [s.number for s in rows]
    assert len(set(numbers)) == len(numbers) and all(n.startswith("S-VTR0") for n in numbers)
    # The timeline names the signal, never who reported it, in both languages.
    TimelineEntry = new_apps.get_model("cases", "TimelineEntry")
    entries = list(TimelineEntry.objects.filter(kind="signal"))
    assert entries and all(e.params.get("number") in numbers and "reporter" not in e.params for e in entries)
    reporters = {s.reporter_name for s in rows if s.reporter_name}
    assert not any(r in e.summary for e in entries for r in reporters if len(r) > 6)
    assert audit_verify().ok
