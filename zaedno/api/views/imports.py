"""Imports of services from CSV/XLSX (внасяне от файл): upload a file, then follow its job.

The upload answers 202 at once with the job; the file is checked and imported in the background.
A job is seen only by the members of its organisation (404 for anyone else, as for a job that
does not exist). Errors come back per line: ``{"line", "column", "reason"}``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_imports import ImportJobOutSerializer, ImportUploadSerializer
from zaedno.api.views.base import READ_ERRORS, WRITE_ERRORS, InputFormsMixin, api_ctx
from zaedno.imports import queries, services

TAGS = ["imports"]


def _organisation(request, organisation_id):
    """The organisation to import into: the given one if the caller keeps its entries, else
    their only one."""
    organisations = list(services.import_organisations(request.user))
    if organisation_id is None:
        if len(organisations) == 1:
            return organisations[0]
        if not organisations:
            raise ValidationError({"organisation": ["You keep the entries of no organisation."]})
        raise ValidationError(
            {"organisation": ["You keep the entries of several organisations: choose one."]}
        )
    for organisation in organisations:
        if organisation.pk == organisation_id:
            return organisation
    raise ValidationError({"organisation": ["Not an organisation whose entries you keep."]})


class ImportServicesView(InputFormsMixin, APIView):
    input_serializers = {"POST": ImportUploadSerializer}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_services_create",
        summary="Upload a CSV/XLSX file of services; it is checked and imported in the background",
        description=(
            "multipart/form-data with `file` (and `organisation` if you keep the entries of several). "
            "Answers 202 with the job; follow `url` until `status` is `done` or `failed`. Every row is "
            "checked first; if any is wrong, nothing is imported and `errors` lists each bad line. "
            "The header may be in Bulgarian or English (see the template at /imports/template.xlsx)."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        s = ImportUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        organisation = _organisation(request, s.validated_data.get("organisation"))
        job = services.import_start(
            ctx=api_ctx(request), organisation=organisation, upload=s.validated_data["file"]
        )
        job = queries.job_for_user(request.user, job.pk)
        return Response(ImportJobOutSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailView(APIView):
    @extend_schema(
        operation_id="imports_retrieve",
        summary="An import job: its status, progress, errors per line and the services it created",
        responses={200: ImportJobOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, job_id: int):
        job = queries.job_for_user(request.user, job_id)
        return Response(ImportJobOutSerializer(job).data)
