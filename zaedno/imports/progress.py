"""How far the writing phase of a job has got, for the progress bar.

The rows are written in one transaction, so the job's own row cannot show the count to other
connections until the end. The worker therefore also notes the count in a small file under
``ZAEDNO_DATA_DIR/imports/`` that the pages read while the job is importing. The file is only a
hint: if it cannot be written or read (another host, a read-only disk) the bar simply waits at
the start of the phase, and the job row stays the truth.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from django.conf import settings


def _path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "imports" / f"progress-{int(job_id)}"


def progress_write(job_id: int, processed: int) -> None:
    path = _path(job_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(str(int(processed)))
        os.replace(tmp, path)
    except OSError:
        pass


def progress_read(job_id: int) -> int | None:
    try:
        return int(_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def progress_clear(job_id: int) -> None:
    with contextlib.suppress(OSError):
        _path(job_id).unlink(missing_ok=True)
