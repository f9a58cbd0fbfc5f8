"""Backups that restore: ``zaedno backup FILE`` and ``zaedno restore FILE``.

One file holds everything: a first line ``ZAEDNO-BACKUP 1``, a second line with the manifest
(JSON: engine, time, row count of every table, the audit head, the payload's size, encryption
parameters and a SHA-256 checksum) and then the payload — a SQLite database copied through the
online backup API, or a ``pg_dump --format=custom`` archive. The checksum covers the manifest
(without the checksum itself) and the payload, so neither a damaged payload nor edited row counts
pass restore. A sidecar ``FILE.sha256`` in ``sha256sum`` format covers the whole file, for
checking copies off-site with ``sha256sum -c`` without the application.

With a passphrase the payload is encrypted (AES-256-GCM in 1 MiB chunks, key from scrypt; the
chunk number and a last-chunk flag are authenticated, so chunks cannot be reordered or cut off).
The manifest stays readable: it shows table sizes and dates, never content.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MAGIC = b"ZAEDNO-BACKUP 1\n"
CHUNK = 1024 * 1024
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
PASSPHRASE_ENV = "ZAEDNO_BACKUP_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that must not go on; the message says why in plain words."""


# --- passphrase and encryption -------------------------------------------------------------------


def passphrase_from(*, file: str | None = None) -> str | None:
    """The passphrase from ``--passphrase-file``, ``ZAEDNO_BACKUP_PASSPHRASE_FILE`` or
    ``ZAEDNO_BACKUP_PASSPHRASE`` — never from the command line, where ``ps`` shows it."""
    file = file or os.environ.get(f"{PASSPHRASE_ENV}_FILE")
    if file:
        try:
            value = Path(file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BackupError(f"Cannot read the passphrase file {file}: {exc.strerror}") from exc
        if not value:
            raise BackupError(f"The passphrase file {file} is empty")
        return value
    return os.environ.get(PASSPHRASE_ENV) or None


def _aead():
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as exc:  # pragma: no cover - a dependency; only a broken install lacks it
        raise BackupError("Encryption needs the 'cryptography' package, which is not installed") from exc
    return AESGCM


def _key(passphrase: str, salt: bytes, params: dict) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=params["n"], r=params["r"], p=params["p"],
        maxmem=128 * params["n"] * params["r"] * 2, dklen=32,
    )  # fmt: skip


def _nonce(prefix: bytes, index: int, last: bool) -> tuple[bytes, bytes]:
    """Nonce and associated data of chunk ``index``: unique per chunk, and the last one marked."""
    return prefix + struct.pack(">I", index), struct.pack(">I?", index, last)


def _encrypt(src: Path, dst: Path, passphrase: str) -> dict:
    aesgcm = _aead()
    salt, prefix = os.urandom(16), os.urandom(8)
    cipher = aesgcm(_key(passphrase, salt, SCRYPT))
    size = src.stat().st_size
    with src.open("rb") as inp, dst.open("wb") as out:
        index, done = 0, 0
        while True:
            block = inp.read(CHUNK)
            done += len(block)
            last = done >= size
            nonce, aad = _nonce(prefix, index, last)
            out.write(cipher.encrypt(nonce, block, aad))
            index += 1
            if last:
                break
    return {"cipher": "AES-256-GCM", "chunk": CHUNK, "kdf": "scrypt", **SCRYPT,
            "salt": salt.hex(), "nonce_prefix": prefix.hex()}  # fmt: skip


def _decrypt(src, size: int, dst: Path, passphrase: str, params: dict) -> None:
    from cryptography.exceptions import InvalidTag

    aesgcm = _aead()
    cipher = aesgcm(_key(passphrase, bytes.fromhex(params["salt"]), params))
    prefix = bytes.fromhex(params["nonce_prefix"])
    sealed = params["chunk"] + 16
    with dst.open("wb") as out:
        index, left = 0, size
        while left > 0:
            block = src.read(min(sealed, left))
            left -= len(block)
            nonce, aad = _nonce(prefix, index, left == 0)
            try:
                out.write(cipher.decrypt(nonce, block, aad))
            except InvalidTag:
                raise BackupError(
                    "Cannot decrypt the backup: wrong passphrase"
                    if index == 0
                    else f"Cannot decrypt the backup: part {index + 1} is damaged"
                ) from None
            index += 1


# --- the file ------------------------------------------------------------------------------------


def _checksum(manifest: dict, payload: Iterator[bytes]) -> str:
    digest = hashlib.sha256(_canonical({k: v for k, v in manifest.items() if k != "sha256"}))
    for block in payload:
        digest.update(block)
    return digest.hexdigest()


def _canonical(manifest: dict) -> bytes:
    return json.dumps(manifest, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def _blocks(handle, size: int) -> Iterator[bytes]:
    left = size
    while left > 0:
        block = handle.read(min(CHUNK, left))
        if not block:
            raise BackupError("The backup file is shorter than its manifest says (cut off?)")
        left -= len(block)
        yield block


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _scratch(near: Path) -> Iterator[Path]:
    """A private folder for the unencrypted intermediate files (0700), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=".zaedno-backup-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Opened:
    manifest: dict
    payload_offset: int


def read_manifest(path: Path) -> Opened:
    with path.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{path} is not a Zaedno backup (or its first line is damaged)")
        line = handle.readline()
        try:
            manifest = json.loads(line)
        except ValueError:
            raise BackupError(f"The manifest of {path} is damaged") from None
        return Opened(manifest, handle.tell())


# --- row counts ----------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]  # fmt: skip
    counts = {}
    for name in names:
        sql = f"SELECT COUNT(*) FROM {_quote(name)}"  # noqa: S608 - catalogue names, quoted
        counts[name] = conn.execute(sql).fetchone()[0]
    return counts


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    names = [r[0] for r in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - catalogue names, quoted
        counts[name] = cursor.fetchone()[0]
    return counts


def current_counts() -> dict[str, int]:
    """Rows per table in the configured database, as restore compares them with the manifest."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_counts(connection.connection)
    with connection.cursor() as cursor:
        return _pg_counts(cursor)


def holds_data() -> bool:
    """Whether the configured database has people or audit entries — what restore won't overwrite
    without ``--force``. Rows written by ``zaedno migrate`` alone (places, permissions) don't count."""
    from django.contrib.auth import get_user_model

    from zaedno.audit.models import AuditEvent

    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in (get_user_model(), AuditEvent):
            table = model._meta.db_table
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608 - model tables
                if cursor.fetchone():
                    return True
    return False


# --- PostgreSQL tools ----------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: from ``ZAEDNO_PG_BINDIR``, the PATH, or the newest
    ``/usr/lib/postgresql/*/bin`` (Debian keeps them off the PATH)."""
    bindir = os.environ.get("ZAEDNO_PG_BINDIR")
    if bindir:
        return str(Path(bindir) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise BackupError(f"{name} not found: install the PostgreSQL client or set ZAEDNO_PG_BINDIR")


def pg_env(db: dict) -> dict[str, str]:
    """The libpq environment for the configured database: the password goes in PGPASSWORD, never
    on a command line that other users of the machine can read."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
             "PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": db.get("NAME")}  # fmt: skip
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                     ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):  # fmt: skip
        pairs[var] = options.get(key)
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    return env


def _pg_connect(db: dict):
    import psycopg

    params = {"dbname": db.get("NAME"), "host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}  # fmt: skip
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=False)


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - our own argv
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


# --- backup --------------------------------------------------------------------------------------


def _audit_head(counts_conn_head: tuple[int, str] | None) -> dict:
    seq, digest = counts_conn_head or (0, "")
    return {"seq": seq, "hash": digest}


def _sqlite_payload(dst: Path, say: Say) -> tuple[dict[str, int], dict]:
    """Copy the live database in one step of the online backup API: it holds a read snapshot
    for the copy, which in WAL mode does not block the application's writers (a page-by-page
    copy would restart on every write by another process and may never finish on a busy system).
    """
    connection.ensure_connection()
    live = connection.connection
    target = sqlite3.connect(dst)
    try:
        live.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        counts = _sqlite_counts(target)
        try:
            head = target.execute("SELECT last_seq, last_hash FROM audit_audithead WHERE id = 1").fetchone()
        except sqlite3.OperationalError:  # not migrated yet: nothing audited
            head = None
    finally:
        target.close()
    return counts, _audit_head(head)


def _pg_payload(dst: Path, say: Say) -> tuple[dict[str, int], dict]:
    """``pg_dump -Fc`` of one snapshot; the row counts are taken in that same snapshot, so they
    match the dump exactly even while the application writes."""
    db = settings.DATABASES["default"]
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            say("Counting rows…")
            counts = _pg_counts(cursor)
            cursor.execute("SELECT last_seq, last_hash FROM audit_audithead WHERE id = 1")
            head = cursor.fetchone()
            say("Dumping the database with pg_dump (this can take a while)…")
            _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                  "--no-privileges", f"--file={dst}"], pg_env(db), "pg_dump")  # fmt: skip
        conn.rollback()
    finally:
        conn.close()
    return counts, _audit_head(head)


def backup(path: Path, *, passphrase: str | None, say: Say) -> dict:
    """Write the backup to ``path`` (and ``path.sha256``); returns the manifest."""
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist")
    engine = connection.vendor
    if engine not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of a {engine} database are not supported")
    with _scratch(path.parent) as scratch:
        raw = scratch / "payload"
        if engine == "sqlite":
            say("Copying the SQLite database through its online backup API…")
            counts, head = _sqlite_payload(raw, say)
        else:
            counts, head = _pg_payload(raw, say)
        payload, encryption = raw, None
        if passphrase:
            say("Encrypting…")
            payload = scratch / "sealed"
            encryption = _encrypt(raw, payload, passphrase)
        manifest = {
            "format": 1,
            "engine": engine,
            "created": timezone.now().isoformat(timespec="seconds"),
            "tables": counts,
            "audit_head": head,
            "payload_bytes": payload.stat().st_size,
            "encryption": encryption,
        }
        say("Computing the SHA-256 checksum…")
        with payload.open("rb") as handle:
            manifest["sha256"] = _checksum(manifest, _blocks(handle, manifest["payload_bytes"]))
        partial = scratch / "backup"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, payload.open("rb") as inp:
            out.write(MAGIC)
            out.write(json.dumps(manifest, sort_keys=True).encode() + b"\n")
            shutil.copyfileobj(inp, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    sidecar = path.with_name(path.name + ".sha256")
    sidecar.write_text(f"{_sha256_file(path)}  {path.name}\n", encoding="utf-8")
    return manifest


# --- restore -------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    manifest: dict
    mismatched: dict[str, tuple[int, int | None]]


def verify_file(path: Path, *, say: Say) -> Opened:
    """Check the sidecar (if present) and the embedded checksum before anything is touched."""
    opened = read_manifest(path)
    manifest = opened.manifest
    if manifest.get("format") != 1:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not known to this version")
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.exists():
        expected = sidecar.read_text(encoding="utf-8").split()[0]
        if _sha256_file(path) != expected:
            raise BackupError(f"Checksum mismatch: the file does not match {sidecar.name} (damaged copy?)")
    size = manifest.get("payload_bytes", -1)
    actual = path.stat().st_size - opened.payload_offset
    if actual != size:
        raise BackupError(f"The backup is {actual} bytes long where its manifest says {size} (cut off?)")
    with path.open("rb") as handle:
        handle.seek(opened.payload_offset)
        if _checksum(manifest, _blocks(handle, size)) != manifest.get("sha256"):
            raise BackupError("Checksum mismatch: the backup file is damaged or was changed; not restoring")
    return opened


def restore(path: Path, *, passphrase: str | None, force: bool, say: Say) -> RestoreReport:
    path = path.resolve()
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    say("Checking the SHA-256 checksum…")
    opened = verify_file(path, say=say)
    manifest = opened.manifest
    engine = connection.vendor
    if manifest["engine"] != engine:
        raise BackupError(f"This is a {manifest['engine']} backup; the configured database is {engine}")
    if manifest.get("encryption") and not passphrase:
        raise BackupError(f"The backup is encrypted: set {PASSPHRASE_ENV} or use --passphrase-file")
    if holds_data() and not force:
        raise BackupError("The database already holds data (people or audit entries); "
                          "restore over it only with --force")  # fmt: skip
    with _scratch(path.parent) as scratch:
        raw = scratch / "payload"
        with path.open("rb") as handle:
            handle.seek(opened.payload_offset)
            if manifest.get("encryption"):
                say("Decrypting…")
                _decrypt(handle, manifest["payload_bytes"], raw, passphrase, manifest["encryption"])
            else:
                with raw.open("wb") as out:
                    for block in _blocks(handle, manifest["payload_bytes"]):
                        out.write(block)
        if engine == "sqlite":
            say("Restoring the SQLite database…")
            _sqlite_restore(raw, say)
        else:
            say("Restoring with pg_restore (this can take a while)…")
            db = settings.DATABASES["default"]
            connection.close()
            _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--exit-on-error", "--single-transaction", f"--dbname={db['NAME']}", str(raw)],
                 pg_env(db), "pg_restore")  # fmt: skip
    say("Comparing row counts with the manifest…")
    now = current_counts()
    mismatched = {
        table: (expected, now.get(table))
        for table, expected in manifest["tables"].items()
        if now.get(table) != expected
    }
    return RestoreReport(manifest, mismatched)


def _sqlite_restore(raw: Path, say: Say) -> None:
    """Copy the backup into the configured database through the same online backup API, so the
    live file keeps its WAL mode and permissions and no half-written file is ever in place."""
    connection.ensure_connection()
    live = connection.connection
    source = sqlite3.connect(raw)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The SQLite database in the backup fails its integrity check: {check}")
        source.backup(live, pages=1024)
        if not connection.is_in_memory_db():
            live.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
