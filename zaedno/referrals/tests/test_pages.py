"""Referral pages: send from the case, the receiving organisation's incoming list and answers,
what each side sees, outsiders' 404s, panels and query budgets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity, TeamMember
from zaedno.core.testing import ctx_for
from zaedno.referrals import panels, services
from zaedno.referrals.models import Referral, ReferralStatus, SharedSection, Urgency
from zaedno.referrals.tests.conftest import OUTSIDERS, make_service

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def page(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code)
    return r.content.decode()


def test_send_from_the_case_page(client, world):
    login(client, world.ivanova)
    url = reverse("referrals:case", args=[world.case.pk])
    html = page(client, url)
    assert world.cop_service.name in html
    # The search narrows the services offered.
    other = make_service(world.ngo, "Клуб по интереси „Млад откривател“")
    html = page(client, url + "?q=клуб")
    assert other.name in html and world.cop_service.name not in html
    r = client.post(
        url,
        {
            "service": world.cop_service.pk, "reason": "Нужда от подкрепа", "urgency": Urgency.URGENT,
            "sections": [SharedSection.IDENTITY, SharedSection.HEALTH], "legal_basis": "consent",
            "consent_given_by": "", "sharing_level": Sensitivity.STANDARD,
        },
    )  # fmt: skip
    assert r.status_code == 200 and not Referral.objects.exists()
    html = r.content.decode()
    assert "Write who gave the consent" in html or "съгласието" in html
    r = client.post(
        url,
        {
            "service": world.cop_service.pk, "reason": "Нужда от подкрепа", "urgency": Urgency.URGENT,
            "sections": [SharedSection.IDENTITY, SharedSection.HEALTH], "legal_basis": "consent",
            "consent_given_by": "Мария Стефанова, майка", "consent_given_on": "19.05.2026",
            "sharing_level": Sensitivity.STANDARD, "response_due_on": "29.05.2026",
        },
    )  # fmt: skip
    referral = Referral.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "referrals:detail", args=[world.case.pk, referral.pk]
    )
    assert referral.sections == ["identity", "health"] and referral.response_due_at.day == 29
    html = page(client, reverse("referrals:detail", args=[world.case.pk, referral.pk]))
    assert "ТАЙНО-HEALTH" in html  # the lead sees everything shared
    # petrov (standard level) sees the referral, not the sensitive section shared.
    html = page(login(client, world.petrov), reverse("referrals:detail", args=[world.case.pk, referral.pk]))
    assert world.cop_service.name in html and "ТАЙНО-HEALTH" not in html


def test_the_form_offers_only_sections_within_the_senders_level(client, world):
    html = page(login(client, world.petrov), reverse("referrals:case", args=[world.case.pk]))
    assert f'value="{SharedSection.SCHOOL}"' in html
    assert f'value="{SharedSection.HEALTH}"' not in html


def test_receiver_sees_only_the_shared_sections_and_never_the_case(client, world, send):
    r = send(sections=[SharedSection.IDENTITY, SharedSection.SCHOOL])
    login(client, world.stoyanov)
    html = page(client, reverse("referrals:incoming"))
    assert world.cop_service.name in html and "Георги Иванов Стефанов" in html
    assert world.case.number not in html
    html = page(client, reverse("referrals:incoming_detail", args=[r.pk]))
    assert "Георги Иванов Стефанов" in html and "ТАЙНО-EDUCATION" in html
    for secret in ("ТАЙНО-HEALTH", "ТАЙНО-VIOLENCE", "ТАЙНО-СИГНАЛ", "ТАЙНО-GENERAL", world.case.number):
        assert secret not in html
    event = AuditEvent.objects.filter(action="referral.incoming.view").latest("seq")
    assert (
        event.kind == AuditKind.READ
        and event.case_id == world.case.pk
        and event.actor_id == world.stoyanov.pk
    )
    for url in (
        reverse("cases:detail", args=[world.case.pk]),
        reverse("referrals:case", args=[world.case.pk]),
        reverse("referrals:detail", args=[world.case.pk, r.pk]),
    ):
        page(client, url, 404)


def test_decline_on_the_page_needs_a_reason(client, world, send):
    r = send()
    login(client, world.cop_colleague)
    url = reverse("referrals:incoming_decline", args=[r.pk])
    resp = client.post(url, {"reason": ""})
    assert resp.status_code == 400
    r.refresh_from_db()
    assert r.status == ReferralStatus.SENT
    resp = client.post(url, {"reason": "Услугата е за деца до 12 години."})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == ReferralStatus.DECLINED
    html = page(login(client, world.ivanova), reverse("referrals:detail", args=[world.case.pk, r.pk]))
    assert "до 12 години" in html


def test_accept_on_the_page_then_the_professional_sees_the_case(client, world, send):
    r = send()
    login(client, world.cop_manager)
    html = page(client, reverse("referrals:incoming_detail", args=[r.pk]))
    assert "Стоян Стоянов" in html  # offered as the professional
    resp = client.post(reverse("referrals:incoming_accept", args=[r.pk]), {"professional": world.stoyanov.pk})
    assert resp.status_code == 302
    assert TeamMember.objects.filter(case=world.case, user=world.stoyanov, left_at__isnull=True).exists()
    page(client, reverse("cases:detail", args=[world.case.pk]), 404)  # the manager is not in the team
    login(client, world.stoyanov)
    page(client, reverse("cases:detail", args=[world.case.pk]))
    assert world.case.number in page(client, reverse("cases:list"))
    html = page(client, reverse("referrals:incoming_detail", args=[r.pk]))
    assert reverse("cases:detail", args=[world.case.pk]) in html  # "open the case"


def test_withdraw_and_complete_on_the_pages(client, world, send):
    r = send()
    login(client, world.ivanova)
    resp = client.post(reverse("referrals:withdraw", args=[world.case.pk, r.pk]), {"reason": ""})
    assert resp.status_code == 400
    resp = client.post(
        reverse("referrals:withdraw", args=[world.case.pk, r.pk]), {"reason": "Вече не е нужно."}
    )
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == ReferralStatus.WITHDRAWN
    r2 = send()
    services.referral_accept(ctx=ctx_for(world.stoyanov), referral=r2, professional=world.stoyanov)
    resp = client.post(
        reverse("referrals:complete", args=[world.case.pk, r2.pk]), {"outcome": "Завършена терапия."}
    )
    assert resp.status_code == 302
    r2.refresh_from_db()
    assert r2.status == ReferralStatus.COMPLETED


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_everywhere(client, world, send, name):
    r = send()
    login(client, getattr(world, name))
    case_urls = [
        reverse("referrals:case", args=[world.case.pk]),
        reverse("referrals:detail", args=[world.case.pk, r.pk]),
    ]
    post_urls = [
        reverse("referrals:withdraw", args=[world.case.pk, r.pk]),
        reverse("referrals:complete", args=[world.case.pk, r.pk]),
        reverse("referrals:incoming_accept", args=[r.pk]),
        reverse("referrals:incoming_decline", args=[r.pk]),
    ]
    for url in case_urls + [reverse("referrals:incoming_detail", args=[r.pk])]:
        page(client, url, 404)
    for url in post_urls:
        assert (
            client.post(url, {"reason": "x", "outcome": "x", "professional": world.stoyanov.pk}).status_code
            == 404
        )
    # And the same for a referral that does not exist.
    page(client, reverse("referrals:incoming_detail", args=[r.pk + 999]), 404)
    html = page(client, reverse("referrals:incoming"))
    assert world.cop_service.name not in html
    r.refresh_from_db()
    assert r.status == ReferralStatus.SENT


def test_the_sender_side_gets_404_on_the_incoming_pages(client, world, send):
    r = send()
    login(client, world.ivanova)
    page(client, reverse("referrals:incoming_detail", args=[r.pk]), 404)
    assert client.post(reverse("referrals:incoming_decline", args=[r.pk]), {"reason": "x"}).status_code == 404


def test_overdue_highlighted_and_panels(client, world, send, clock, django_assert_max_num_queries):
    r = send(urgency=Urgency.EMERGENCY)
    clock.advance(hours=25)
    html = page(login(client, world.stoyanov), reverse("referrals:incoming"))
    assert "is-overdue" in html
    now = clock.now()
    access = access_for(world.ivanova, world.case)
    with django_assert_max_num_queries(1):
        panel = panels.case_panel(access, now)
    assert panel["overdue"] == 1 and panel["referrals"] == [r]
    with django_assert_max_num_queries(1):
        work = panels.work_panel(world.stoyanov, now)
    assert work["waiting"] == [r] and work["overdue_sent"] == []
    with django_assert_max_num_queries(1):
        mine = panels.work_panel(world.ivanova, now)
    assert mine["overdue_sent"] == [r] and mine["waiting"] == []
    assert panels.work_panel(world.petrov, now) is None
    html = page(login(client, world.ivanova), reverse("cases:detail", args=[world.case.pk]))
    assert world.cop_service.name in html
    html = page(client, reverse("protocols:my_work"))
    assert world.cop_service.name in html


def test_incoming_list_query_count_does_not_grow(client, world, send):
    send()
    login(client, world.stoyanov)
    page(client, reverse("referrals:incoming"))

    def count():
        with CaptureQueriesContext(connection) as q:
            page(client, reverse("referrals:incoming"))
        return len(q)

    few = count()
    for _ in range(8):
        send()
    assert count() == few


def test_incoming_link_only_for_organisations_with_services(client, world):
    link = f'href="{reverse("referrals:incoming")}"'
    assert link in page(login(client, world.stoyanov), reverse("protocols:my_work"))
    # Kept in the session: the next page asks the database nothing about it.
    with CaptureQueriesContext(connection) as q:
        page(client, reverse("notifications:list"))
    assert not any("resources_service" in x["sql"] for x in q.captured_queries)
    assert link not in page(login(client, world.petrov), reverse("protocols:my_work"))
