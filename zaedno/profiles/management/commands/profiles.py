"""``zaedno profiles``: check the difficult-case criteria file, and refresh every case's profile.

``check [FILE]`` validates a criteria file without touching the database (exit 1 with one error
per line, naming the criterion and the field). ``refresh`` recomputes the profile of every case
with the criteria in force — run it after changing ``criteria.yaml`` (docs/difficult-cases.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext
from zaedno.profiles.criteria import CriteriaError, criteria_path, load_criteria, parse_criteria
from zaedno.profiles.services import profiles_refresh_all


class Command(BaseCommand):
    help = "Difficult-case profiles: `check [FILE]` the criteria file, `refresh` every case's profile."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = sub.add_parser("check", help="validate a criteria file (default: the one in force)")
        check.add_argument("file", nargs="?", metavar="FILE")
        sub.add_parser("refresh", help="recompute the profile of every case with the criteria in force")

    def handle(self, *, action: str, **options):
        if action == "check":
            self.check_file(Path(options["file"]) if options.get("file") else criteria_path())
        else:
            self.refresh()

    def _fail(self, exc: CriteriaError) -> None:
        for line in exc.errors:
            self.stderr.write(line)
        raise CommandError(f"{len(exc.errors)} problem(s) in the criteria file", returncode=1)

    def check_file(self, path: Path) -> None:
        try:
            criteria = parse_criteria(path.read_text(encoding="utf-8"), source=path.name)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})", returncode=1) from None
        except CriteriaError as exc:
            self._fail(exc)
        self.stdout.write(
            f"OK {path.name}: version {criteria.version} of {criteria.date:%d.%m.%Y}, "
            f"{len(criteria.criteria)} criteria, flag at {criteria.threshold}"
        )

    def refresh(self) -> None:
        try:
            criteria = load_criteria()
        except CriteriaError as exc:
            self._fail(exc)
        ctx = AuditContext(channel=Channel.CLI, user_agent="zaedno profiles refresh")
        result = profiles_refresh_all(ctx=ctx, criteria=criteria)
        self.stdout.write(
            f"Criteria version {criteria.version}: {result.cases} case(s) refreshed, "
            f"{result.changed} changed, {result.flagged} flagged as difficult."
        )
