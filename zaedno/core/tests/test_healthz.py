import pytest

from zaedno.env import EnvError, envbool, envint


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("ZAEDNO_X", "ture")
    with pytest.raises(EnvError):
        envbool("ZAEDNO_X", False)
    monkeypatch.setenv("ZAEDNO_X", "yes")
    assert envbool("ZAEDNO_X", False) is True
    monkeypatch.setenv("ZAEDNO_N", "12a")
    with pytest.raises(EnvError):
        envint("ZAEDNO_N", 1)
