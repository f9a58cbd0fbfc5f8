"""``zaedno resources_seed``: the synthetic resource map of Veliko Tarnovo oblast (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from zaedno.resources.demo import ENTRIES, seed_resources


class Command(BaseCommand):
    help = (
        "Add the synthetic services and community resources of Veliko Tarnovo oblast to the "
        "resource map (entries that exist already are left alone)."
    )

    def handle(self, **options):
        created = seed_resources(now=timezone.now())
        self.stdout.write(
            self.style.SUCCESS(
                f"Resource map: {created} entries added ({len(ENTRIES) - created} already there)."
            )
        )
