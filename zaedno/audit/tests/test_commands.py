"""``zaedno audit verify``: passes on an intact chain; names the entry that was modified, deleted
or inserted. On PostgreSQL the table itself refuses UPDATE and DELETE, so the tampering below
switches that trigger off for the length of the test, as only the table's owner could.
"""

import contextlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from zaedno.audit.models import AuditEvent
from zaedno.audit.services import AuditContext, audit_record, compute_hash

TRIGGER = "audit_event_append_only"


@pytest.fixture
def chain(db):
    """Six chained events."""
    ctx = AuditContext(channel="system")
    for i in range(6):
        audit_record(ctx=ctx, action="case.view", case_id=100 + i, details={"i": i, "ime": "Мария"})
    return list(AuditEvent.objects.order_by("seq"))


@contextlib.contextmanager
def tampering():
    """What an attacker with the table owner's rights does first on PostgreSQL."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")


def sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def forged(seq: int, prev_hash: str) -> AuditEvent:
    """A well-formed event, hashed exactly as the application would."""
    event = AuditEvent(
        seq=seq, at=AuditEvent.objects.get(seq=1).at, channel="web", kind="read", action="case.view",
        case_id=999, actor_username="intruder", details={}, prev_hash=prev_hash,
    )  # fmt: skip
    event.hash = compute_hash(event)
    return event


def test_intact_chain_passes(chain):
    output = verify()
    assert "Audit chain intact: 6 entries" in output
    assert chain[-1].hash in output  # the head, to be kept somewhere else


def test_empty_chain_passes(db):
    assert "Audit chain intact: 0 entries" in verify()


def test_modified_entry_is_named(chain):
    with tampering():
        sql("UPDATE audit_auditevent SET actor_username = 'someone-else' WHERE seq = 3")
    with pytest.raises(CommandError, match=r"entry #3 was modified"):
        verify()


def test_modified_details_are_detected(chain):
    with tampering():
        sql("UPDATE audit_auditevent SET details = %s WHERE seq = 4", ['{"i": 99, "ime": "Мария"}'])
    with pytest.raises(CommandError, match=r"#4\b"):
        verify()


def test_rehashed_modification_is_detected_by_the_next_entry(chain):
    """Recomputing the hash of a changed entry breaks the link from the entry after it."""
    event = chain[2]
    event.reason = "changed afterwards"
    with tampering():
        sql(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE seq = 3",
            [event.reason, compute_hash(event)],
        )
    with pytest.raises(CommandError, match=r"entry #4 does not follow entry #3"):
        verify()


def test_deleted_entry_is_named(chain):
    with tampering():
        sql("DELETE FROM audit_auditevent WHERE seq = 3")
    with pytest.raises(CommandError, match=r"#3–#3 are missing"):
        verify()


def test_deleted_last_entry_is_named(chain):
    with tampering():
        sql("DELETE FROM audit_auditevent WHERE seq = 6")
    with pytest.raises(CommandError, match=r"#6–#6 are missing at the end"):
        verify()


def test_entry_inserted_at_the_end_is_named(chain):
    forged(7, chain[-1].hash).save(force_insert=True)
    with pytest.raises(CommandError, match=r"entry #7 was added outside the chain"):
        verify()


def test_entry_inserted_in_the_middle_is_named(chain):
    """Make room after #3 (renumbering the rest) and slip in a well-formed event."""
    with tampering():
        sql("UPDATE audit_auditevent SET seq = seq + 1000 WHERE seq > 3")
        sql("UPDATE audit_auditevent SET seq = seq - 999 WHERE seq > 1000")
    forged(4, chain[2].hash).save(force_insert=True)
    with pytest.raises(CommandError, match=r"entry #5 does not follow entry #4 \(inserted"):
        verify()


def test_replaced_last_entry_is_named(chain):
    with tampering():
        sql("DELETE FROM audit_auditevent WHERE seq = 6")
    forged(6, chain[4].hash).save(force_insert=True)
    with pytest.raises(CommandError, match=r"entry #6 does not match the chain's head"):
        verify()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the append-only trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditevent SET action = 'x' WHERE seq = 2", "DELETE FROM audit_auditevent WHERE seq = 2"],
)
def test_postgresql_refuses_update_and_delete(chain, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    assert AuditEvent.objects.get(seq=2).action == "case.view"
    assert "Audit chain intact: 6 entries" in verify()
