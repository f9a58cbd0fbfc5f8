"""drf-spectacular extensions: how the API's own pieces appear in the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <token>``; tokens come from ``zaedno token USERNAME``."""

    target_class = "zaedno.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `zaedno token USERNAME` (shown once, stored hashed).",
        }
