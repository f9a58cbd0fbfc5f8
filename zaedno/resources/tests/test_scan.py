"""Stale entries are flagged to their organisation once per staleness period (with a fake clock)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from zaedno.core.testing import ctx_for
from zaedno.notifications.models import Notification
from zaedno.resources.models import Service
from zaedno.resources.scan import stale_scan
from zaedno.resources.services import service_confirm
from zaedno.resources.tests.conftest import age_entry, make

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale(clock, bare_world):
    w = bare_world
    a = age_entry(make(w.stoyanov, w.cop, name="ЦОП – консултации", type="cop"), 181)
    b = age_entry(make(w.stoyanov, w.cop, name="ЦОП – група за родители", type="family_support"), 400)
    fresh = age_entry(make(w.stoyanov, w.cop, name="ЦОП – нова услуга", type="cop"), 179)
    other = age_entry(make(w.koleva, w.ngo, name="Менторска програма", type="mentor"), 10)
    inactive = age_entry(make(w.stoyanov, w.cop, name="Закрита услуга", type="other", is_active=False), 500)
    return w, a, b, fresh, other, inactive


def test_scan_notifies_the_organisations_members_once(clock, stale):
    w, a, b, fresh, other, inactive = stale
    result = stale_scan(clock.now())
    assert result.entries == 2
    notes = Notification.objects.filter(kind="resources.stale")
    assert [n.user for n in notes] == [w.stoyanov]  # the only practitioner of the ЦОП
    note = notes.get()
    assert "2" in note.title and "ЦОП Велико Търново" in note.title
    assert a.name in note.body and b.name in note.body and fresh.name not in note.body
    assert "stale=on" in note.url and "mine=on" in note.url
    assert set(Service.objects.filter(stale_notified_at__isnull=False)) == {a, b}

    clock.advance(days=1)
    assert stale_scan(clock.now()).entries == 0  # once per staleness period, not every scan
    clock.advance(days=30)
    assert stale_scan(clock.now()).entries == 1  # "fresh" has now become stale
    assert Notification.objects.filter(kind="resources.stale").count() == 2
    clock.advance(days=180)
    # A new period: a and b are flagged again; the NGO's entry has become stale meanwhile (and
    # goes to the NGO's member only); "fresh" was flagged 180 days ago, not yet more.
    assert stale_scan(clock.now()).entries == 3
    ngo = Notification.objects.get(kind="resources.stale", user=w.koleva)
    assert other.name in ngo.body and a.name not in ngo.body


def test_confirming_clears_the_flag(clock, stale):
    w, a, *_ = stale
    stale_scan(clock.now())
    service_confirm(ctx=ctx_for(w.stoyanov), service=a)
    a.refresh_from_db()
    assert a.stale_notified_at is None
    clock.advance(days=181)
    assert stale_scan(clock.now()).entries >= 1
    assert Service.objects.get(pk=a.pk).stale_notified_at is not None


def test_managers_and_practitioners_hear_but_not_administrators(clock, bare_world):
    w = bare_world
    age_entry(make(w.todorov, w.municipality_org, name="Клуб", type="club", sector="municipality"), 300)
    age_entry(make(w.ivanova, w.ozd, name="Консултации на ОЗД", type="other", sector="social"), 300)
    stale_scan(clock.now())
    heard = set(Notification.objects.filter(kind="resources.stale").values_list("user__username", flat=True))
    assert heard == {"todorov", "ivanova", "nikolova"}  # not admin (an administrator of the municipality)


@override_settings(ZAEDNO_RESOURCE_STALE_DAYS=30)
def test_staleness_period_is_a_setting(clock, bare_world):
    w = bare_world
    age_entry(make(w.stoyanov, w.cop, name="ЦОП", type="cop"), 31)
    assert stale_scan(clock.now()).entries == 1


def test_deadline_scan_task_runs_it(clock, stale):
    from zaedno.protocols.tasks import deadline_scan_task

    out = deadline_scan_task.call()
    assert "resources: 2 stale entries flagged" in out
