"""``zaedno demo``: prepare the demo database on first run, then serve it with a task worker.

No prompts: migrate (always — cheap when up to date), load the Veliko Tarnovo data set if it is
not there yet, print the logins, and serve on 127.0.0.1 with Django's development server and
the django-tasks database worker in a background thread of the same process.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django_tasks_db.management.commands.db_worker import Worker

from zaedno.accounts.models import User
from zaedno.demo.dataset import COLLEAGUES, PERSONAS, demo_load, demo_loaded
from zaedno.protocols.scheduler import DeadlineTicker


class Command(BaseCommand):
    help = "Prepare the demo data (first run) and serve Zaedno on 127.0.0.1 with a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
        parser.add_argument(
            "--no-serve", action="store_true", help="only prepare the data and print the logins"
        )

    def handle(self, *, port: int, no_serve: bool, verbosity: int, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a TCP port")
        password = settings.ZAEDNO_DEMO_PASSWORD
        if not password:
            raise CommandError("ZAEDNO_DEMO_PASSWORD is empty")
        if connection.vendor == "sqlite":
            if not connection.is_in_memory_db():
                Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            where = str(connection.settings_dict["NAME"])
        else:
            where = f"{connection.vendor} database {connection.settings_dict['NAME']}"
        call_command("migrate", interactive=False, verbosity=0)
        call_command("protocol", "sync", stdout=self.stdout, stderr=self.stderr)
        if demo_loaded():
            self.stdout.write(f"Reusing the demo data in {where}")
            self._sync_password(password)
        else:
            self.stdout.write(f"Loading the Veliko Tarnovo demo data into {where} …")
            started = time.monotonic()
            summary = demo_load(password=password)
            statuses = ", ".join(f"{n} {s}" for s, n in summary.by_status.items())
            self.stdout.write(
                f"Loaded {summary.organisations} organisations, {summary.users} professionals, "
                f"{summary.children} children and {summary.cases} cases ({statuses}) "
                f"in {time.monotonic() - started:.1f} s"
            )
        self._print_logins(password)
        if no_serve:
            return
        self._serve(port)

    def _sync_password(self, password: str) -> None:
        """If ZAEDNO_DEMO_PASSWORD changed since the data was loaded, the printed one must work."""
        marker = User.objects.get(username=PERSONAS[0].username)
        if not marker.check_password(password):
            usernames = [p.username for p in PERSONAS + COLLEAGUES]
            User.objects.filter(username__in=usernames).update(password=make_password(password))
            self.stdout.write("Demo password updated to the current ZAEDNO_DEMO_PASSWORD")

    def _print_logins(self, password: str) -> None:
        width = max(len(p.username) for p in PERSONAS)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (username — who):"))
        for p in PERSONAS:
            self.stdout.write(f"  {p.username.ljust(width)} — {p.who}")
        others = ", ".join(p.username for p in COLLEAGUES)
        self.stdout.write(f"  (and their colleagues: {others})")
        source = "ZAEDNO_DEMO_PASSWORD" if os.environ.get("ZAEDNO_DEMO_PASSWORD") else "default"
        self.stdout.write(f"Password for all of them: {password}  ({source})")

    def _serve(self, port: int) -> None:
        url = f"http://127.0.0.1:{port}/"
        if not os.environ.get("ZAEDNO_BASE_URL"):
            settings.ZAEDNO_BASE_URL = url.rstrip("/")  # links in e-mails point at this server
        worker = Worker(
            queue_names=["*"], interval=1.0, batch=False, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id=f"demo-{os.getpid()}", excluded_queue_names=[],
        )  # fmt: skip
        thread = threading.Thread(target=self._run_worker, args=(worker,), name="tasks-worker", daemon=True)
        thread.start()
        ticker = DeadlineTicker()  # reminders and escalations, as `zaedno worker` does
        ticker.start()
        self.stdout.write(self.style.SUCCESS(f"\nZaedno demo: {url}  (Ctrl+C to stop)\n"))
        connections.close_all()  # the server threads open their own
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.running = False
            ticker.stop()
            thread.join(timeout=5)
            self.stdout.write("Stopped.")

    @staticmethod
    def _run_worker(worker: Worker) -> None:
        try:
            worker.run()
        finally:
            connections.close_all()
