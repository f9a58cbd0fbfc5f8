"""``zaedno backup FILE``: one file with the whole database, its row counts and a checksum.

SQLite is copied through the online backup API while the application runs; PostgreSQL through
``pg_dump --format=custom`` of one snapshot. With ``ZAEDNO_BACKUP_PASSPHRASE`` (or
``--passphrase-file``) the payload is encrypted. The format is described in
``zaedno/core/backups.py`` and the restore drill in docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zaedno.core.backups import BackupError, backup, passphrase_from


class Command(BaseCommand):
    help = "Back up the database into FILE (with FILE.sha256); encrypted when a passphrase is set."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup")
        parser.add_argument(
            "--passphrase-file",
            help="read the encryption passphrase from this file (or set ZAEDNO_BACKUP_PASSPHRASE)",
        )

    def handle(self, *, file: str, passphrase_file: str | None = None, **options):
        try:
            passphrase = passphrase_from(file=passphrase_file)
            manifest = backup(Path(file), passphrase=passphrase, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {file}: {len(manifest['tables'])} tables, {rows} rows, "
                f"audit head #{manifest['audit_head']['seq']}, SHA-256 {manifest['sha256']}"
            )
        )
        if manifest["encryption"] is None:
            self.stdout.write(
                self.style.WARNING(
                    "The backup is NOT encrypted: it holds children's case data in clear. "
                    "Set ZAEDNO_BACKUP_PASSPHRASE or use --passphrase-file."
                )
            )
        else:
            self.stdout.write("Encrypted (AES-256-GCM). Without the passphrase it cannot be restored.")
