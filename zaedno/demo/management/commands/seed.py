"""``zaedno seed --children N [--municipality CODE]``: synthetic data at any scale, in bulk."""

from __future__ import annotations

import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from tqdm import tqdm

from zaedno.demo import seeding
from zaedno.places.models import Municipality


class Command(BaseCommand):
    help = (
        "Write N synthetic children with cases, teams and timelines in one municipality "
        "(bulk writes; for benchmarks and load tests)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, required=True, help="how many children to add")
        parser.add_argument(
            "--municipality", default="VTR04", help="EKATTE municipality code (default VTR04, Велико Търново)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--batch-size", type=int, default=5000, help="children per transaction")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *, children: int, municipality: str, batch_size: int, no_progress: bool, **options):
        if children < 1:
            raise CommandError("--children must be at least 1")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            # A fresh database (the usual case for benchmarks): create the tables first.
            self.stdout.write("Migrating the database first…")
            call_command("migrate", verbosity=0, interactive=False)
        place = Municipality.objects.filter(code=municipality.upper()).select_related("oblast").first()
        if place is None:
            raise CommandError(
                f"No municipality with the code {municipality!r} (e.g. VTR04 for Велико Търново)"
            )
        self.stdout.write(
            f"Seeding {children:,} children in {place.name} ({place.code}), {connection.vendor} …"
        )
        started = time.monotonic()
        with tqdm(
            total=children,
            unit="child",
            file=sys.stderr,
            disable=no_progress,
            smoothing=0.1,
            dynamic_ncols=True,
        ) as bar:
            result = seeding.seed(
                children=children,
                municipality=place,
                seed=options["seed"],
                batch_size=batch_size,
                progress=bar.update,
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Created {result.organisations_created} organisations and {result.professionals_created} professionals"
        )
        for name, count in result.rows.items():
            self.stdout.write(f"  {name:<17} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.children:,} children and {result.cases:,} cases in {elapsed:.1f} s"
            )
        )
