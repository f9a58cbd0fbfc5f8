"""The worker runs the deadline scan: enqueued by its clock once, run by django-tasks-db."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from zaedno.core.testing import build_world
from zaedno.notifications.models import Notification

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


@override_settings(TASKS=DB_TASKS)
def test_the_scan_is_enqueued_once_while_one_waits(w):
    from django_tasks_db.models import DBTaskResult

    from zaedno.protocols.scheduler import enqueue_scan_if_idle

    assert enqueue_scan_if_idle() is True
    assert enqueue_scan_if_idle() is False
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the worker closes its connection after each task
@override_settings(TASKS=DB_TASKS)
def test_worker_batch_runs_the_scan_and_sends_the_reminders(w, clock, capsys):
    clock.set(2026, 5, 25, 9, 0)  # everything running is long overdue
    Notification.objects.all().delete()
    call_command("worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    from django_tasks_db.models import DBTaskResult

    scan = DBTaskResult.objects.get(task_path="zaedno.protocols.tasks.deadline_scan_task")
    assert scan.status == "SUCCESSFUL", scan.traceback
    assert "escalated" in scan.return_value
    assert Notification.objects.filter(user=w.nikolova, kind="protocol.escalate").exists()


def test_the_ticker_enqueues_at_start_and_stops(w, monkeypatch):
    from zaedno.protocols import scheduler

    calls = []
    monkeypatch.setattr(scheduler, "enqueue_scan_if_idle", lambda: calls.append(1) or True)
    monkeypatch.setattr(scheduler.connections, "close_all", lambda: None)
    ticker = scheduler.DeadlineTicker(interval=60)
    ticker.start()
    ticker.stop()
    ticker.join(timeout=5)
    assert not ticker.is_alive() and calls == [1]
