"""Input and output serializers of the imports API (see zaedno/api/views/imports.py)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zaedno.api.serializers import OrganisationRefSerializer, UserRefSerializer
from zaedno.imports.models import ImportKind, ImportStatus
from zaedno.imports.queries import processed_rows


def _inline_enum(choices, description: str) -> dict:
    # Kept inline (wrapped in ``allOf``) so the schema's enum naming does not collide with the
    # other apps' fields named "status" or "kind".
    return {
        "allOf": [{"type": "string", "enum": [value for value, _label in choices]}],
        "description": description,
    }


@extend_schema_field(
    _inline_enum(
        ImportStatus.choices,
        "queued → validating (every row checked) → importing (all written in one transaction) → done; "
        "or failed (nothing was imported; see `errors`).",
    )
)
class ImportStatusField(serializers.CharField):
    """The status of a job."""


@extend_schema_field(_inline_enum(ImportKind.choices, "What the file imports."))
class ImportKindField(serializers.CharField):
    """The kind of a job."""


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A .csv (UTF-8 or Windows-1251, `;` or `,`) or .xlsx file, at most 5 MB."
    )
    organisation = serializers.IntegerField(
        required=False,
        help_text="The organisation the entries belong to; needed only when you keep the entries of several.",
    )


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        allow_null=True,
        help_text="The spreadsheet's line (the header is line 1); null for the file as a whole.",
    )
    column = serializers.CharField(help_text="The column as the file names it; empty when not one column.")
    reason = serializers.CharField(help_text="What is wrong and what to do, in the uploader's language.")


class ImportProgressSerializer(serializers.Serializer):
    phase = ImportStatusField()
    processed = serializers.IntegerField(help_text="Rows done in the current phase.")
    total = serializers.IntegerField(help_text="Rows in the file (0 until it has been read).")
    percent = serializers.IntegerField()


class ImportJobOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="This job in the API.")
    page_url = serializers.SerializerMethodField(help_text="This job's page in the web application.")
    kind = ImportKindField()
    status = ImportStatusField()
    organisation = OrganisationRefSerializer()
    uploaded_by = UserRefSerializer()
    file_name = serializers.CharField()
    file_format = serializers.CharField()
    progress = serializers.SerializerMethodField()
    created_count = serializers.IntegerField()
    created_ids = serializers.ListField(child=serializers.IntegerField(), help_text="The services created.")
    errors = ImportErrorSerializer(many=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, job) -> str:
        return reverse("api:import-detail", args=[job.pk])

    def get_page_url(self, job) -> str:
        return reverse("imports:detail", args=[job.pk])

    @extend_schema_field(ImportProgressSerializer)
    def get_progress(self, job) -> dict:
        processed = processed_rows(job)
        total = job.total_rows
        return {
            "phase": job.status,
            "processed": processed,
            "total": total,
            "percent": 100 if job.status == ImportStatus.DONE else (processed * 100 // total if total else 0),
        }
