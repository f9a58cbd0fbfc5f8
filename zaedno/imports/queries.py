"""Reads of imports, with the access check: a job is seen only by the members of the
organisation its entries go to; anyone else gets the same 404 as for a job that does not exist."""

from __future__ import annotations

from django.http import Http404

from zaedno.accounts.models import Membership
from zaedno.imports.models import ImportJob, ImportStatus
from zaedno.imports.progress import progress_read
from zaedno.resources.models import Service


def _member_orgs(user):
    return Membership.objects.filter(user=user, is_active=True).values("organisation_id")


def jobs_for_user(user):
    """The jobs of the user's organisations, newest first (without the files themselves)."""
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    return (
        ImportJob.objects.filter(organisation__in=_member_orgs(user))
        .select_related("organisation", "uploaded_by")
        .defer("content")
        .order_by("-created_at", "-id")
    )


def job_for_user(user, job_id) -> ImportJob:
    """One job of the user's organisations; Http404 for a missing job and another's alike."""
    job = jobs_for_user(user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def created_services(job: ImportJob):
    """The entries a finished job created (those still there), in the order of the file."""
    if not job.created_ids:
        return []
    by_id = Service.objects.select_related("settlement").in_bulk(job.created_ids)
    return [by_id[pk] for pk in job.created_ids if pk in by_id]


def processed_rows(job: ImportJob) -> int:
    """Rows done in the job's current phase (while importing, as noted by the worker)."""
    if job.status == ImportStatus.IMPORTING:
        return min(progress_read(job.pk) or 0, job.total_rows)
    if job.status == ImportStatus.DONE:
        return job.total_rows
    return job.processed_rows
