"""``zaedno audit verify``: check the whole hash chain of the audit trail.

Exit 0 and "Audit chain intact: N entries" when every entry is in sequence, linked to the one
before and unchanged since it was written; otherwise a non-zero exit naming the first broken
entry. Run it on a schedule (docs/operations.md) and keep the printed head hash somewhere the
database's administrators cannot write: a chain whose head is rewritten along with it can only
be caught by comparing with a head recorded earlier.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from zaedno.audit.models import AuditHead
from zaedno.audit.services import audit_verify

PROGRESS_FROM = 50_000  # smaller chains verify in a blink


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the whole hash chain (exit 1 if broken)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = sub.add_parser(
            "verify", help="check the whole chain; non-zero exit names the first broken entry"
        )
        verify.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *, action: str, **options):
        if action == "verify":
            self.verify(progress=not options.get("no_progress"))

    def verify(self, *, progress: bool) -> None:
        head = AuditHead.objects.filter(pk=1).first()
        total = head.last_seq if head else 0
        started = time.monotonic()
        show = progress and total >= PROGRESS_FROM
        with tqdm(total=total, unit="entry", file=sys.stderr, disable=not show, dynamic_ncols=True) as bar:
            result = audit_verify(progress=bar.update)
        elapsed = time.monotonic() - started
        if not result.ok:
            raise CommandError(
                f"Audit chain BROKEN at entry #{result.seq}: {result.problem} "
                f"({result.checked} entries before it are intact)"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries"))
        if head and head.last_seq:
            self.stdout.write(f"Head: #{head.last_seq} {head.last_hash} (checked in {elapsed:.1f} s)")
