"""One error format for the whole API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from zaedno.core.errors import ConflictError


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return Response(
            {
                "error": {
                    "code": "conflict",
                    "message": str(exc),
                    # The fields someone else changed, in the same shape as a 400's fields.
                    "fields": {
                        c.field: [
                            _("Now “%(theirs)s”; you sent “%(yours)s”.")
                            % {"theirs": c.theirs, "yours": c.yours}
                        ]
                        for c in exc.changes
                    },
                    "current_version": exc.current_version,
                    "changes": [
                        {"field": c.field, "yours": str(c.yours), "theirs": str(c.theirs)}
                        for c in exc.changes
                    ],
                }
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"error": {"code": "invalid", "message": _("Invalid input."), "fields": detail}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"error": {"code": code, "message": str(detail), "fields": {}}}
    return response
