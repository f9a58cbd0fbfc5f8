"""``zaedno profiles_refresh``: the same as ``zaedno profiles refresh`` (for schedulers)."""

from __future__ import annotations

from zaedno.profiles.management.commands.profiles import Command as ProfilesCommand


class Command(ProfilesCommand):
    help = "Recompute every case's difficult-case profile with the criteria in force."

    def add_arguments(self, parser):
        pass

    def handle(self, **options):
        self.refresh()
