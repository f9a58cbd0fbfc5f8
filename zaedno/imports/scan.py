"""Imports left half-done by a worker that stopped (restarted, killed, out of memory).

The rows are written in one transaction, so such a job wrote nothing; but its status would stay
"validating" or "importing" for ever. The deadline scan (``deadline_scan_task``) marks a job that
started more than ``INTERRUPTED_AFTER`` ago and is still running as failed, telling the uploader
to upload the file again. A job of the largest allowed file takes a minute or two.
"""

from __future__ import annotations

import datetime as dt

from zaedno.imports.models import ImportJob, ImportStatus
from zaedno.imports.services import import_interrupted

INTERRUPTED_AFTER = dt.timedelta(minutes=30)


def interrupted_scan(now: dt.datetime) -> str:
    jobs = ImportJob.objects.filter(
        status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING], started_at__lt=now - INTERRUPTED_AFTER
    ).select_related("organisation", "uploaded_by")
    count = sum(1 for job in jobs if import_interrupted(job))
    return f"{count} interrupted imports"
