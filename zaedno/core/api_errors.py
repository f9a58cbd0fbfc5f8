"""Every answer of ``/api/`` that is an error is JSON in the API's one shape, never an HTML page.

DRF's exception handler (``zaedno.api.errors``) shapes the errors raised inside API views. What
happens before or around a view is not DRF's: a path no URL matches, a body too large to read,
an exception no handler knows. This middleware answers those for paths under ``/api/``:
``{"error": {"code", "message", "fields"}}`` with the status, the message in the request's
language. Other paths keep Django's pages.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger("zaedno.api")

API_PREFIX = "/api/"
# The upload of an import of services checks its own, larger limit (``imports.parsing.MAX_BYTES``);
# the multipart envelope around the file gets some room.
IMPORT_PREFIX = "/api/v1/imports/"
MULTIPART_ROOM = 64 * 1024

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
}


def _message(status: int) -> str:
    messages = {
        400: _("Bad request."),
        401: _("Sign in to use the API."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        500: _("Something went wrong on the server; it has been logged. Try again later."),
    }
    return messages.get(status, _("The request could not be answered."))


def api_error(status: int, message: str | None = None, code: str | None = None) -> JsonResponse:
    return JsonResponse(
        {
            "error": {
                "code": code or _CODES.get(status, "error"),
                "message": message or _message(status),
                "fields": {},
            }
        },
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _body_limit(path: str) -> int:
    if path.startswith(IMPORT_PREFIX):
        from zaedno.imports.parsing import MAX_BYTES

        return MAX_BYTES + MULTIPART_ROOM
    return settings.ZAEDNO_API_MAX_BODY


def _as_json(response) -> JsonResponse:
    """The JSON of an error page: DRF's own error (drawn as HTML by the browsable API for a
    browser) keeps its code, message and fields; any other page gets the status's message."""
    data = getattr(response, "data", None)
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        out = JsonResponse(data, status=response.status_code, json_dumps_params={"ensure_ascii": False})
    else:
        out = api_error(response.status_code)
    for header in ("WWW-Authenticate", "Allow", "Retry-After", "Content-Language", "Vary"):
        if header in response:
            out[header] = response[header]
    return out


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiErrorMiddleware:
    """Bodies over ``ZAEDNO_API_MAX_BODY`` → 413; HTML error pages on ``/api/`` → the JSON shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit = _body_limit(request.path)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return api_error(400)
        if length > limit:
            return api_error(
                413,
                _("The request body is too large: at most %(size)s.") % {"size": filesizeformat(limit)},
            )
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            return _as_json(response)
        return response

    def process_exception(self, request, exception):
        """An exception no one handled: logged with its traceback, answered without its text."""
        if not request.path.startswith(API_PREFIX):
            return None
        logger.error("Unhandled exception on %s %s", request.method, request.path, exc_info=exception)
        return api_error(500)
