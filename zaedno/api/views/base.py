"""What every API view shares: the audit context, the error responses of the schema, lists."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from zaedno.api.serializers import ConflictSerializer, ErrorSerializer
from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext
from zaedno.cases.access import CaseAccess, case_for_user


class InputFormsMixin:
    """Gives DRF's browsable API the input serializer of each method, to draw its forms.

    The views themselves name their input and output serializers explicitly; this is only for
    ``GenericAPIView.get_serializer``, which the browsable API calls.
    """

    input_serializers: dict[str, type[serializers.Serializer]] = {}

    def get_serializer_class(self):
        return self.input_serializers.get(self.request.method, serializers.Serializer)


def api_ctx(request) -> AuditContext:
    """The audit context of an API call: who, from where, through the API channel."""
    return AuditContext.from_request(request, channel=Channel.API)


def case_access(request, case_id, *, action: str = "case.view", audit: bool = True) -> CaseAccess:
    """The caller's access to a case (404 when missing or not allowed); reads are audited."""
    return case_for_user(request.user, case_id, ctx=api_ctx(request), action=action, audit=audit)


def query_params(serializer_class: type[serializers.Serializer], request) -> dict:
    """Validate the query string with ``serializer_class``; a bad value is a field-keyed 400."""
    s = serializer_class(data=request.query_params)
    s.is_valid(raise_exception=True)
    return s.validated_data


def remap_errors(exc: DjangoValidationError, nested: dict[str, str]) -> ValidationError:
    """Move a service's field errors under the input object they belong to (``signal.description``)."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    out: dict = {}
    for field, messages in exc.message_dict.items():
        parent = nested.get(field)
        if parent:
            out.setdefault(parent, {})[field] = messages
        else:
            out[field] = messages
    return ValidationError(out)


E400 = OpenApiResponse(ErrorSerializer, description="Invalid input; messages keyed by field.")
E401 = OpenApiResponse(ErrorSerializer, description="Not authenticated, or an unknown or revoked token.")
E403 = OpenApiResponse(ErrorSerializer, description="Visible to you, but not yours to do.")
E404 = OpenApiResponse(
    ErrorSerializer, description="Not found — the same answer when it exists but is not visible to you."
)
E409 = OpenApiResponse(
    ConflictSerializer, description="Someone saved after you read it (stale version); nothing was changed."
)

READ_ERRORS = {401: E401, 404: E404}
WRITE_ERRORS = {400: E400, 401: E401, 403: E403, 404: E404}
