"""Imports of many entries at once from a spreadsheet (внасяне от файл), for now services of the
resource map: the file is checked row by row first and written in one transaction only when every
row is good, so a failed file leaves nothing behind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.organisations.models import Organisation


class ImportKind(models.TextChoices):
    """What a file brings in."""

    SERVICES = "services", _("Services of the resource map")


class ImportStatus(models.TextChoices):
    """Where a job is: waiting for the worker, checking every row, writing, finished or failed."""

    QUEUED = "queued", _("Waiting to start")
    VALIDATING = "validating", _("Checking the rows")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)


class ImportJob(models.Model):
    """One uploaded file and what became of it (задача за внасяне)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices, default=ImportKind.SERVICES)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(max_length=4)  # "csv" or "xlsx"
    # The file itself, kept in the database (never in a public media folder); at most a few MB.
    content = models.BinaryField(editable=False)
    file_size = models.PositiveIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)  # of a CSV, as detected
    # The uploader's language: the reasons of bad rows are written in it.
    language = models.CharField(max_length=10, default="bg")
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    # Every problem found: [{"line": 7, "column": "Тип", "reason": "…"}]; line 1 is the header,
    # None for the file as a whole.
    errors = models.JSONField(default=list, blank=True)
    created_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ImportStatus]), name="importjob_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(file_format__in=["csv", "xlsx"]), name="importjob_format_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="importjob_processed_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(created_count__lte=models.F("total_rows")),
                name="importjob_created_within_total",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0
