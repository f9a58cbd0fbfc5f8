"""``zaedno backup`` / ``zaedno restore``: a backup restores to the same rows and a verifying audit
chain; a damaged file, an edited manifest and a wrong passphrase are refused before anything is
overwritten.

The tests commit their rows (``transaction=True``): the SQLite online backup API and ``pg_dump``
see only committed data, as in production.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zaedno.accounts.models import User
from zaedno.audit.services import AuditContext, audit_record, audit_verify
from zaedno.core.backups import MAGIC, current_counts, read_manifest
from zaedno.core.testing import build_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world():
    w = build_world()
    ctx = AuditContext(channel="system")
    for i in range(5):
        audit_record(ctx=ctx, action="case.view", case_id=w.case.pk, details={"i": i})
    return w


@pytest.fixture(autouse=True)
def no_passphrase(monkeypatch):
    monkeypatch.delenv("ZAEDNO_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("ZAEDNO_BACKUP_PASSPHRASE_FILE", raising=False)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def change_something():
    """What happens after the backup and must be undone by the restore."""
    User.objects.create_user(username="after-backup", password="x-later-123")
    audit_record(ctx=AuditContext(channel="system"), action="case.view", details={"late": True})


def only_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite backup test; the configured database is PostgreSQL")


def test_sqlite_backup_restore_gives_identical_rows_and_verifying_chain(world, tmp_path):
    only_sqlite()
    target = tmp_path / "zaedno.backup"
    out = run("backup", str(target))
    assert "Backup written" in out and "NOT encrypted" in out
    before = current_counts()
    assert before["cases_case"] >= 1 and before["audit_auditevent"] >= 5
    manifest = read_manifest(target).manifest
    assert manifest["engine"] == "sqlite" and manifest["tables"] == before
    assert (tmp_path / "zaedno.backup.sha256").read_text().split() == [
        __import__("hashlib").sha256(target.read_bytes()).hexdigest(), "zaedno.backup",
    ]  # fmt: skip

    change_something()
    assert current_counts() != before
    with pytest.raises(CommandError, match="already holds data"):
        run("restore", str(target))

    out = run("restore", str(target), "--force")
    assert "Audit chain intact" in out and "Row counts match the backup" in out
    assert current_counts() == before
    assert audit_verify().ok
    assert not User.objects.filter(username="after-backup").exists()


def test_damaged_backup_is_refused_and_nothing_is_overwritten(world, tmp_path):
    only_sqlite()
    target = tmp_path / "zaedno.backup"
    run("backup", str(target))
    (tmp_path / "zaedno.backup.sha256").unlink()  # the embedded checksum alone must catch it
    data = bytearray(target.read_bytes())
    data[-100] ^= 0x01
    target.write_bytes(bytes(data))
    change_something()
    now = current_counts()
    with pytest.raises(CommandError, match="Checksum mismatch"):
        run("restore", str(target), "--force")
    assert current_counts() == now


def test_edited_row_counts_in_the_manifest_are_refused(world, tmp_path):
    only_sqlite()
    target = tmp_path / "zaedno.backup"
    run("backup", str(target))
    (tmp_path / "zaedno.backup.sha256").unlink()
    raw = target.read_bytes()
    head, payload = raw[len(MAGIC) :].split(b"\n", 1)
    manifest = json.loads(head)
    manifest["tables"]["cases_case"] += 1
    target.write_bytes(MAGIC + json.dumps(manifest).encode() + b"\n" + payload)
    with pytest.raises(CommandError, match="Checksum mismatch"):
        run("restore", str(target), "--force")


def test_sidecar_mismatch_is_refused(world, tmp_path):
    only_sqlite()
    target = tmp_path / "zaedno.backup"
    run("backup", str(target))
    (tmp_path / "zaedno.backup.sha256").write_text("0" * 64 + "  zaedno.backup\n")
    with pytest.raises(CommandError, match="Checksum mismatch"):
        run("restore", str(target), "--force")


def test_encrypted_backup_needs_the_right_passphrase(world, tmp_path, monkeypatch):
    only_sqlite()
    target = tmp_path / "zaedno.backup"
    monkeypatch.setenv("ZAEDNO_BACKUP_PASSPHRASE", "корен-синьо-кон-батерия")
    out = run("backup", str(target))
    assert "Encrypted" in out and "NOT encrypted" not in out
    assert b"SQLite format 3" not in target.read_bytes()
    assert read_manifest(target).manifest["encryption"]["cipher"] == "AES-256-GCM"
    before = current_counts()
    change_something()

    monkeypatch.setenv("ZAEDNO_BACKUP_PASSPHRASE", "грешна-парола")
    with pytest.raises(CommandError, match="wrong passphrase"):
        run("restore", str(target), "--force")
    monkeypatch.delenv("ZAEDNO_BACKUP_PASSPHRASE")
    with pytest.raises(CommandError, match="encrypted"):
        run("restore", str(target), "--force")
    assert current_counts() != before

    secret = tmp_path / "passphrase"
    secret.write_text("корен-синьо-кон-батерия\n", encoding="utf-8")
    out = run("restore", str(target), "--force", "--passphrase-file", str(secret))
    assert "Audit chain intact" in out
    assert current_counts() == before


def test_backup_of_the_other_engine_is_refused(world, tmp_path):
    only_sqlite()
    target = tmp_path / "zaedno.backup"
    run("backup", str(target))
    (tmp_path / "zaedno.backup.sha256").unlink()
    raw = target.read_bytes()
    head, payload = raw[len(MAGIC) :].split(b"\n", 1)
    manifest = json.loads(head)
    manifest["engine"] = "postgresql"
    manifest.pop("sha256")
    from zaedno.core.backups import _checksum

    manifest["sha256"] = _checksum(manifest, iter([payload]))
    target.write_bytes(MAGIC + json.dumps(manifest).encode() + b"\n" + payload)
    with pytest.raises(CommandError, match="postgresql backup"):
        run("restore", str(target), "--force")


# --- PostgreSQL ----------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_postgres_database():
    """A new empty database ``zaedno_bk_…`` that Django's default connection points at for the
    length of the block; dropped afterwards."""
    import psycopg

    db = connection.settings_dict
    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}  # fmt: skip
    params = {k: v for k, v in params.items() if v}
    name = f"zaedno_bk_{secrets.token_hex(6)}"
    with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    original = db["NAME"]
    connection.close()
    db["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        db["NAME"] = original
        with psycopg.connect(dbname=original, autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_backup_restore_into_fresh_database(world, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backup test: runs when DATABASE_URL is PostgreSQL (CI's second run)")
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    target = tmp_path / "zaedno.backup"
    out = run("backup", str(target))
    assert "Backup written" in out
    before = current_counts()
    manifest = read_manifest(target).manifest
    assert manifest["engine"] == "postgresql" and manifest["tables"] == before
    assert before["cases_case"] >= 1 and before["audit_auditevent"] >= 5

    with fresh_postgres_database():
        out = run("restore", str(target))
        assert "Audit chain intact" in out and "Row counts match the backup" in out
        assert current_counts() == before
        assert audit_verify().ok
        # and a second restore over it is refused without --force
        with pytest.raises(CommandError, match="already holds data"):
            run("restore", str(target))


def test_row_count_mismatch_after_restore_fails_the_command(world, tmp_path, monkeypatch):
    """Should a restore come back short (a table lost on the way), the command exits non-zero
    and names the table."""
    only_sqlite()
    target = tmp_path / "zaedno.backup"
    run("backup", str(target))
    from zaedno.core import backups

    real = backups.current_counts

    def short():
        counts = real()
        counts["cases_case"] -= 1
        return counts

    monkeypatch.setattr(backups, "current_counts", short)
    with pytest.raises(CommandError, match="Row count mismatch in cases_case"):
        run("restore", str(target), "--force")
