"""``zaedno restore FILE``: checksum first, then restore, then prove it.

Refuses a damaged file, a wrong passphrase, the other engine's backup, and a database that already
holds people or audit entries (unless ``--force``). After restoring it walks the audit chain (as
``zaedno audit verify``) and compares every table's row count with the manifest; any mismatch is
a non-zero exit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from zaedno.audit.models import AuditHead
from zaedno.audit.services import audit_verify
from zaedno.core.backups import BackupError, passphrase_from, restore


class Command(BaseCommand):
    help = "Restore the database from a `zaedno backup` FILE, then verify the audit chain and row counts."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that already holds data"
        )
        parser.add_argument(
            "--passphrase-file",
            help="read the passphrase from this file (or set ZAEDNO_BACKUP_PASSPHRASE)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *, file: str, force: bool = False, passphrase_file: str | None = None, **options):
        try:
            passphrase = passphrase_from(file=passphrase_file)
            report = restore(Path(file), passphrase=passphrase, force=force, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        self.stdout.write(f"Restored the backup of {manifest['created']} ({manifest['engine']}).")

        self.stdout.write("Verifying the audit chain…")
        head = AuditHead.objects.filter(pk=1).first()
        total = head.last_seq if head else 0
        show = not options.get("no_progress") and total >= 50_000
        with tqdm(total=total, unit="entry", file=sys.stderr, disable=not show, dynamic_ncols=True) as bar:
            result = audit_verify(progress=bar.update)
        problems = []
        if not result.ok:
            problems.append(f"Audit chain BROKEN at entry #{result.seq}: {result.problem}")
        expected = manifest["audit_head"]
        got = (head.last_seq, head.last_hash) if head else (0, "")
        if expected["seq"] and got != (expected["seq"], expected["hash"]):
            problems.append(
                f"Audit head is #{got[0]} {got[1]}, the backup recorded #{expected['seq']} {expected['hash']}"
            )
        for table, (want, got) in sorted(report.mismatched.items()):
            problems.append(f"Row count mismatch in {table}: backup had {want}, database has {got}")
        if problems:
            raise CommandError("Restore NOT verified:\n  " + "\n  ".join(problems))
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries"))
        if head and head.last_seq:
            self.stdout.write(f"Head: #{head.last_seq} {head.last_hash}")
        self.stdout.write(
            self.style.SUCCESS(f"Row counts match the backup: {len(manifest['tables'])} tables, {rows} rows")
        )
