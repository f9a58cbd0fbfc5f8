"""Bearer tokens and sessions; one error format for 401."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from zaedno.accounts.models import ApiToken
from zaedno.accounts.services import token_create
from zaedno.core.testing import PASSWORD, ctx_for

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_from_token_create_works(world):
    token = token_create(user=world.ivanova, label="test", ctx=ctx_for(world.ivanova, "cli"))
    r = bearer(token).get("/api/v1/me/")
    assert r.status_code == 200
    assert r.json()["username"] == "ivanova"
    assert ApiToken.objects.get(user=world.ivanova).last_used_at is not None
    assert bearer(token).get(f"/api/v1/cases/{world.case.pk}/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/cases/", "/api/v1/children/", "/api/v1/cases/1/"])
def test_revoked_unknown_or_missing_token_gets_401(world, path):
    token = token_create(user=world.ivanova, ctx=ctx_for(world.ivanova, "cli"))
    ApiToken.objects.filter(user=world.ivanova).update(revoked_at=timezone.now())
    for client in (bearer(token), bearer("zt_not-a-token"), APIClient()):
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.json()["error"]["code"] in {"authentication_failed", "not_authenticated"}
        assert r["WWW-Authenticate"] == "Bearer"
    r = APIClient(HTTP_AUTHORIZATION="Bearer two words").get(path)
    assert r.status_code == 401


def test_a_deactivated_user_token_gets_401(world):
    token = token_create(user=world.petrov, ctx=ctx_for(world.petrov, "cli"))
    world.petrov.is_active = False
    world.petrov.save(update_fields=["is_active"])
    assert bearer(token).get("/api/v1/cases/").status_code == 401


def test_session_login_works_too(world):
    client = APIClient()
    assert client.login(username="petrov", password=PASSWORD)
    r = client.get("/api/v1/cases/")
    assert r.status_code == 200
    assert r.json()["count"] == 1


def test_session_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="ivanova", password=PASSWORD)
    r = client.post(
        f"/api/v1/cases/{world.case.pk}/notes/", {"section": "general", "text": "x"}, format="json"
    )
    assert r.status_code == 403
    assert "CSRF" in r.json()["error"]["message"]
