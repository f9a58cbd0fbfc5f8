"""The case protocol page, marking steps, "my work" and the compliance counts."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zaedno.audit.models import AuditEvent
from zaedno.core.testing import PASSWORD, build_world, ctx_for, open_case
from zaedno.protocols.engine import artefact_record, event_record
from zaedno.protocols.models import CaseStep, StepStatus


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def step(w, code, protocol="coordination_mechanism"):
    return CaseStep.objects.get(
        case=w.case, step_code=code, case_protocol__version__definition__code=protocol
    )


def test_the_lead_sees_every_step_with_owner_deadline_and_state(client, w):
    page = login(client, w.ivanova).get(reverse("protocols:case", args=[w.case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Координационен механизъм", "Мултисекторна работа по случай", "Среща на мултидисциплинарния екип",
                 "20.05.2026 10:00", "21.05.2026 09:00", "изпълнена със закъснение", "До 1 час"):  # fmt: skip
        assert text in html, text
    assert AuditEvent.objects.filter(actor_id=w.ivanova.pk, case_id=w.case.pk, kind="read").exists()


def test_the_page_is_in_english_on_request(client, w):
    login(client, w.ivanova)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("protocols:case", args=[w.case.pk])).content.decode()
    assert "Multidisciplinary team meeting" in html and "Within 1 hour" in html and "done late" in html


def test_an_outsider_gets_not_found(client, w):
    assert login(client, w.georgieva).get(reverse("protocols:case", args=[w.case.pk])).status_code == 404
    response = client.post(
        reverse("protocols:step_done", args=[w.case.pk, step(w, "mdt_meeting").pk]), {"evidence": "x"}
    )
    assert response.status_code == 404
    assert step(w, "mdt_meeting").status == StepStatus.OPEN


def test_marking_a_step_done_from_the_page(client, w):
    login(client, w.ivanova)
    s = step(w, "mdt_meeting")
    url = reverse("protocols:step_done", args=[w.case.pk, s.pk])
    bad = client.post(url, {"evidence": "", "version": s.version})
    assert bad.status_code == 400
    ok = client.post(
        url, {"evidence": "Протокол от срещата, подписан.", "at": "20.05.2026 10:45", "version": s.version}
    )
    assert ok.status_code == 302
    s.refresh_from_db()
    assert (
        s.status == StepStatus.DONE
        and timezone.localtime(s.completed_at).strftime("%d.%m.%Y %H:%M") == "20.05.2026 10:45"
    )
    stale = client.post(url, {"evidence": "Пак", "version": s.version - 1})
    assert stale.status_code == 400


def test_a_member_cannot_mark_someone_elses_step(client, w):
    login(client, w.petrov)
    s = step(w, "mdt_meeting")
    response = client.post(
        reverse("protocols:step_done", args=[w.case.pk, s.pk]), {"evidence": "Среща"}, follow=True
    )
    assert "Only the step" in response.content.decode() or "Само" in response.content.decode()
    s.refresh_from_db()
    assert s.status == StepStatus.OPEN


def test_not_applicable_and_event_from_the_page(client, w):
    login(client, w.ivanova)
    s = step(w, "crisis_intervention")
    url = reverse("protocols:step_na", args=[w.case.pk, s.pk])
    assert client.post(url, {"reason": "кратко"}).status_code == 400
    assert client.post(url, {"reason": "Няма нужда от кризисна интервенция."}).status_code == 302
    s.refresh_from_db()
    assert s.status == StepStatus.NOT_APPLICABLE
    response = client.post(reverse("protocols:event_add", args=[w.case.pk]), {"event": "service_started"})
    assert response.status_code == 302
    assert (
        CaseStep.objects.filter(
            case=w.case, case_protocol__version__definition__code="social_service_support"
        ).count()
        == 2
    )
    assert (
        client.post(reverse("protocols:event_add", args=[w.case.pk]), {"event": "case_closed"}).status_code
        == 400
    )


def test_the_case_page_shows_the_protocol_summary(client, w):
    html = login(client, w.ivanova).get(reverse("cases:detail", args=[w.case.pk])).content.decode()
    assert reverse("protocols:case", args=[w.case.pk]) in html
    assert "Проверка на сигнала от ОЗД" in html  # the most urgent open step


def test_my_work_lists_own_steps_and_what_others_owe(client, w, clock):
    html = login(client, w.ivanova).get(reverse("protocols:my_work")).content.decode()
    assert "Проверка на сигнала от ОЗД" in html and w.case.number in html
    assert AuditEvent.objects.filter(actor_id=w.ivanova.pk, action="work.list").exists()
    # stoyanov joins as the service provider and owns the service's steps: they appear in his work
    # and in the lead's "what others owe".
    from zaedno.cases.access import access_for
    from zaedno.cases.services import team_member_add

    team_member_add(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), user=w.stoyanov, organisation=w.cop
    )
    event_record(ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), event="service_started")
    html = client.get(reverse("protocols:my_work")).content.decode()
    assert "Индивидуална оценка на потребностите" in html and "Стоян Стоянов" in html
    client.logout()
    html = login(client, w.stoyanov).get(reverse("protocols:my_work")).content.decode()
    assert "Индивидуална оценка на потребностите" in html
    assert "Проверка на сигнала от ОЗД" not in html
    client.logout()
    html = login(client, w.georgieva).get(reverse("protocols:my_work")).content.decode()
    assert w.case.number not in html


def _work_queries(client, user) -> int:
    login(client, user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("protocols:my_work")).status_code == 200
    client.logout()
    return len(ctx.captured_queries)


def test_my_work_keeps_a_fixed_query_budget_with_200_cases(client, w, clock):
    few = _work_queries(client, w.ivanova)
    for _ in range(199):
        open_case(w, w.child)
    assert CaseStep.objects.filter(owner_user=w.ivanova, status=StepStatus.OPEN).count() >= 600
    many = _work_queries(client, w.ivanova)
    assert many == few, (few, many)
    # 14 for the protocol steps, plus the sections of other apps (decisions: 2, plan actions and
    # follow-up check-ins: 2, referrals, repeated moves, join requests: 1 each; signals: the
    # departments and the signals reported, handovers to answer: 1; see zaedno/core/panels.py).
    assert many <= 23
    page = login(client, w.ivanova).get(reverse("protocols:my_work")).content.decode()
    assert "500" in page and "alert-warning" in page  # only the most urgent 500 are listed, and it says so


def test_compliance_counts_for_the_manager(client, w, clock):
    artefact_record(ctx=ctx_for(w.ivanova), case=w.case, artefact="signal_checked")
    html = login(client, w.nikolova).get(reverse("protocols:compliance")).content.decode()
    assert "ОЗД Велико Търново" in html and "Велико Търново" in html
    assert w.child.first_name not in html  # counts only
    assert "Георги" not in html
