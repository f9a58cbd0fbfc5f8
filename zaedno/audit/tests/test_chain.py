"""The audit chain: contiguous, linked, and without forks under concurrent writers."""

import threading

import pytest
from django.db import connection, connections

from zaedno.audit.models import AuditEvent, AuditHead
from zaedno.audit.services import GENESIS, AuditContext, audit_record, audit_verify, compute_hash


@pytest.mark.django_db
def test_events_are_linked_in_order():
    ctx = AuditContext(channel="system")
    for i in range(5):
        audit_record(ctx=ctx, action="test.event", details={"i": i, "ünïcode": "детe"})
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert all(compute_hash(e) == e.hash for e in events)
    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash) == (5, events[-1].hash)
    assert audit_verify().ok


# serialized_rollback: the flush after this test must not leave recreated content types behind
# for the next transactional test (the browser journey) to collide with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_do_not_fork_the_chain():
    errors = []

    def writer(n):
        try:
            for i in range(10):
                audit_record(
                    ctx=AuditContext(channel="system"), action="test.concurrent", details={"w": n, "i": i}
                )
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = audit_verify()
    assert result.ok, result.problem
    assert result.checked == AuditEvent.objects.count() == 40


def test_connection_vendor_known():
    assert connection.vendor in {"sqlite", "postgresql"}
