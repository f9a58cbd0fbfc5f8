"""The clock that drives the deadline scan: enqueues it every ``ZAEDNO_SCAN_MINUTES``.

django-tasks has no periodic tasks, so the worker process (``zaedno worker``, and the demo's
in-process worker) runs this small thread beside it. Several workers may each run one: a scan is
enqueued only when none is waiting, and the scan itself is safe to run twice.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger("zaedno.protocols")


def enqueue_scan_if_idle() -> bool:
    """Enqueue the deadline scan unless one is already waiting; True when one was enqueued."""
    from django_tasks_db.models import DBTaskResult

    from zaedno.protocols.tasks import deadline_scan_task

    waiting = DBTaskResult.objects.filter(task_path=deadline_scan_task.module_path, status="READY").exists()
    if waiting:
        return False
    deadline_scan_task.enqueue()
    return True


class DeadlineTicker(threading.Thread):
    """Enqueue the scan now and then every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, interval: float | None = None):
        super().__init__(name="deadline-ticker", daemon=True)
        self.interval = interval if interval is not None else settings.ZAEDNO_SCAN_MINUTES * 60
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    enqueue_scan_if_idle()
                except Exception:  # a database hiccup must not kill the clock
                    logger.exception("could not enqueue the deadline scan")
                if self._stop_event.wait(self.interval):
                    break
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stop_event.set()
