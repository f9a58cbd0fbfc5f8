"""``zaedno token``: a new API token, as the last line, that authenticates its user."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zaedno.accounts.models import ApiToken
from zaedno.audit.models import AuditEvent


def test_token_is_the_last_line_and_authenticates(bare_world, client):
    out = StringIO()
    call_command("token", "ivanova", "--label", "school information system", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    assert token.user == bare_world.ivanova
    assert token.label == "school information system"
    assert raw not in {t.key_hash for t in ApiToken.objects.all()}  # only the hash is stored
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "ivanova"
    event = AuditEvent.objects.get(action="token.create")
    assert (event.channel, event.object_id) == ("cli", str(bare_world.ivanova.pk))


def test_each_call_issues_a_new_token(bare_world):
    raws = set()
    for _ in range(2):
        out = StringIO()
        call_command("token", "petrov", stdout=out)
        raws.add(out.getvalue().strip().splitlines()[-1])
    assert len(raws) == 2 and ApiToken.objects.filter(user=bare_world.petrov).count() == 2


def test_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="No user with the username 'nobody'"):
        call_command("token", "nobody", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_deactivated_user_gets_no_token(bare_world):
    bare_world.koleva.is_active = False
    bare_world.koleva.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="deactivated"):
        call_command("token", "koleva", stdout=StringIO())
