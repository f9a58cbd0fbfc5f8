"""The data directory and the SQLite files are private to the account running Zaedno (0700/0600).

A fresh process with a fresh ``ZAEDNO_DATA_DIR`` is started for real (the suite itself runs on an
in-memory database), under the usual umask 022 that would leave files world-readable.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent(
    """
    import json, os, stat, sys
    os.umask(0o022)
    import django
    django.setup()
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS probe (x TEXT)")
        cursor.execute("INSERT INTO probe VALUES ('x')")
    data = settings.DATA_DIR
    modes = {}
    for path in [data, *sorted(data.iterdir())]:
        modes[path.name if path != data else "."] = stat.S_IMODE(path.stat().st_mode)
    print(json.dumps(modes))
    """
)


def run(data_dir: Path) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZAEDNO_", "DATABASE_URL", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zaedno.settings",
        ZAEDNO_DATA_DIR=str(data_dir),
        ZAEDNO_SECRET_KEY="test-secret-key-for-permissions-only-0123456789",
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def private(mode: int) -> bool:
    return not mode & (stat.S_IRWXG | stat.S_IRWXO)


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite files only")
def test_a_fresh_data_dir_and_database_are_private(tmp_path):
    data_dir = tmp_path / "fresh" / "var"
    modes = run(data_dir)
    assert modes["."] == 0o700, oct(modes["."])
    for name in ("zaedno.sqlite3", "zaedno.sqlite3-wal", "zaedno.sqlite3-shm"):
        assert name in modes, modes
        assert modes[name] == 0o600, f"{name}: {oct(modes[name])}"
    assert all(private(mode) for mode in modes.values()), {k: oct(v) for k, v in modes.items()}


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    for name in ("zaedno.sqlite3", "zaedno.sqlite3-wal", "zaedno.sqlite3-shm"):
        (data_dir / name).touch()
        (data_dir / name).chmod(0o644)
    modes = run(data_dir)
    assert modes["."] == 0o700
    assert all(private(mode) for mode in modes.values()), {k: oct(v) for k, v in modes.items()}
