"""The data directory and the SQLite files are readable by the account running Zaedno only.

The database holds children's case files; under the usual umask (022) SQLite would create it and
its ``-wal``/``-shm`` files ``-rw-r--r--``, readable by every account on the server. The directory
is created ``0700`` (``settings.py``); each new SQLite connection makes the database files
``0600`` (SQLite gives a new WAL the database file's mode, so a private database keeps its WAL
private). Imported by ``settings.py``: no Django models here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _tighten(path: Path, mode: int) -> None:
    """Drop every group and world permission of ``path`` if it is ours (another owner's file, e.g.
    a directory an operator made for us, is left as it is)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if st.st_uid != os.getuid() or not stat.S_IMODE(st.st_mode) & (stat.S_IRWXG | stat.S_IRWXO):
        return
    path.chmod(stat.S_IMODE(st.st_mode) & mode)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) and make it ``0700``."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)
    return path


def sqlite_files_private(path: Path | str) -> None:
    """Make the SQLite database at ``path`` and its journal files ``0600``; create it empty and
    private first when it does not exist yet, so SQLite never creates it world-readable."""
    path = Path(path)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
        os.close(fd)
    for suffix in SQLITE_SUFFIXES:
        _tighten(path.with_name(path.name + suffix), FILE_MODE)


def on_connection_created(sender, connection, **kwargs) -> None:
    """``connection_created``: a file-based SQLite database is private after every connect (the
    WAL and shared-memory files appear with the first connection)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return
    sqlite_files_private(name)
