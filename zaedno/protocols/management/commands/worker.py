"""``zaedno worker``: the django-tasks database worker plus the clock of the deadline scan.

Runs every background task (e-mails, the deadline scan, …) and enqueues the deadline scan every
``ZAEDNO_SCAN_MINUTES`` (default 5). On start it loads any shipped protocol version not loaded
yet (as ``zaedno protocol sync``). Takes the options of django-tasks-db's ``db_worker``;
``--batch`` runs one scan and every waiting task, then exits (for cron or a one-off check).
"""

from __future__ import annotations

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from zaedno.protocols.scheduler import DeadlineTicker, enqueue_scan_if_idle


class Command(DBWorkerCommand):
    help = "Run Zaedno's background worker: tasks, reminders, deadline checks and escalations."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scan", action="store_true", help="Do not enqueue the deadline scan (another worker does)."
        )

    def handle(self, *args, **options) -> None:
        call_command("protocol", "sync", stdout=self.stdout, stderr=self.stderr)
        ticker = None
        if not options.pop("no_scan"):
            if options.get("batch"):
                enqueue_scan_if_idle()
            else:
                ticker = DeadlineTicker()
                ticker.start()
        try:
            super().handle(*args, **options)
        finally:
            if ticker is not None:
                ticker.stop()
