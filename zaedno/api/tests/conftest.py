"""API clients for the personas of ``zaedno.core.testing``, authenticated with real bearer tokens."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from zaedno.accounts.services import token_create
from zaedno.audit.models import AuditEvent
from zaedno.core.testing import ctx_for

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


def client_for(user) -> APIClient:
    client = APIClient()
    token = token_create(user=user, label="pytest", ctx=ctx_for(user, "cli"))
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api(world):
    """``api("ivanova")`` → an APIClient signed in as that persona with a bearer token."""
    clients: dict[str, APIClient] = {}

    def get(name: str) -> APIClient:
        if name not in clients:
            clients[name] = client_for(getattr(world, name))
        return clients[name]

    return get


def text(response) -> str:
    """The whole JSON body as text, to look for words that must (not) be there."""
    return json.dumps(response.json(), ensure_ascii=False)


def last_event(**filters) -> AuditEvent | None:
    return AuditEvent.objects.filter(**filters).order_by("-seq").first()
