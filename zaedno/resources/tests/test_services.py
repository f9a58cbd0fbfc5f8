"""The writes of the resource map: who may change an entry and the rules of an entry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zaedno.core.errors import ConflictError
from zaedno.core.testing import ctx_for
from zaedno.resources.forms import ServiceForm
from zaedno.resources.services import service_confirm, service_create, service_update


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here (the Bulgarian catalogue is checked by CI)."""
    with translation.override("en"):
        yield


ROW = {
    "name": "Център за обществена подкрепа „Детелина“",
    "type": "cop",
    "settlement": "10447",
    "age_min": "3",
    "age_max": "18",
    "capacity": "30",
    "free_places": "4",
    "latitude": "43,0812",
    "longitude": "25.6290",
    "phone": "+359 62 000 001",
    "languages": "български, ромски",
    "is_free": "да",
}


def entry(w, **changes):
    form = ServiceForm(data=ROW | changes)
    assert form.is_valid(), form.errors
    return service_create(ctx=ctx_for(w.stoyanov), organisation=w.cop, data=form.cleaned_data)


def test_member_creates_with_search_key_and_confirmation(bare_world):
    w = bare_world
    s = entry(w)
    assert s.sector == "social" and s.settlement_id == "10447"
    assert s.last_confirmed_on is not None and s.confirmed_by == w.stoyanov
    assert "tsentar za obshtestvena podkrepa" in s.search_key and "tsop" in s.search_key


@pytest.mark.parametrize(
    "changes, field, text",
    [
        ({"free_places": "12", "capacity": "10"}, "free_places", "(12)"),
        ({"age_min": "16", "age_max": "7"}, "age_max", "from 16 to 7"),
        ({"latitude": "25.6", "longitude": "43.1"}, "latitude", "swapped"),
        ({"latitude": "95", "longitude": "25"}, "latitude", "not valid"),
        ({"longitude": ""}, "longitude", "both"),
        ({"settlement": "99999"}, "settlement", "99999"),
        ({"settlement": "Търново"}, "settlement", "EKATTE"),
        ({"sector": "health"}, "sector", "cannot be in the sector"),
        ({"is_free": "може би"}, "is_free", "yes"),
    ],
)
def test_form_rules_plain_messages(db, changes, field, text):
    form = ServiceForm(data=ROW | changes)
    assert not form.is_valid()
    assert text in " ".join(form.errors[field]), form.errors


def test_form_accepts_names_for_choices(db):
    form = ServiceForm(
        data=ROW | {"type": "ЦОП", "sector": "Social services", "settlement": "10447 гр. Велико Търново"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["type"] == "cop"


def test_outsider_cannot_create_edit_confirm(bare_world):
    w = bare_world
    s = entry(w)
    for user in (w.ivanova, w.admin, w.koleva):
        with pytest.raises(PermissionDenied):
            service_create(ctx=ctx_for(user), organisation=w.cop, data=ServiceForm(data=ROW).data)
        with pytest.raises(PermissionDenied):
            service_update(ctx=ctx_for(user), service=s, data={"free_places": 1}, expected_version=s.version)
        with pytest.raises(PermissionDenied):
            service_confirm(ctx=ctx_for(user), service=s)


def test_update_checks_rules_and_version(bare_world):
    w = bare_world
    s = entry(w)
    with pytest.raises(ValidationError) as exc:
        service_update(ctx=ctx_for(w.stoyanov), service=s, data={"free_places": 40}, expected_version=1)
    assert "free_places" in exc.value.message_dict
    service_update(
        ctx=ctx_for(w.stoyanov),
        service=s,
        data={"free_places": 0, "name": "ЦОП Детелина"},
        expected_version=1,
    )
    s.refresh_from_db()
    assert s.version == 2 and s.free_places == 0 and s.search_key.startswith("tsop detelina")
    with pytest.raises(ConflictError):
        service_update(ctx=ctx_for(w.stoyanov), service=s, data={"free_places": 2}, expected_version=1)
