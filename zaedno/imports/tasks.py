"""Background work of imports, run by the worker (``zaedno worker``; eagerly in tests)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_run_task(job_id: int) -> str:
    """Check and import one uploaded file (see ``zaedno.imports.services.import_run``)."""
    from zaedno.imports.services import import_run

    job = import_run(job_id)
    return job.status if job else "skipped"
