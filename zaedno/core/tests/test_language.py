import pytest


@pytest.mark.django_db
def test_pages_are_bulgarian_even_for_an_english_browser(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "bg"


@pytest.mark.django_db
def test_the_switch_chooses_english(client, settings):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/")
    assert page["Content-Language"] == "en"
