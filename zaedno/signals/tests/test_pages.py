"""Signal pages: recording, the department's queue, one signal as each reader sees it, the work on
it, "my work" and the compliance page — with 404 and no trace for outsiders, and fixed query
budgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.models import Case
from zaedno.core.testing import PASSWORD, build_world, ctx_for
from zaedno.places.models import Settlement
from zaedno.signals.models import Signal
from zaedno.signals.services import SignalInput, signal_assign, signal_record

TEXT = "Момчето сподели, че пастрокът го бие. ТАЙНО-ОПИСАНИЕ"


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world(with_case=False)


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def record(w, by=None, **kw):
    data = {"category": "violence", "description": TEXT, "child_first_name": "Иван", "child_last_name": "Колев",
            "child_settlement": Settlement.objects.get(ekatte="10447"), **kw}  # fmt: skip
    return signal_record(ctx=ctx_for(by or w.petrov), data=SignalInput(**data))


def form_data(w, **extra):
    data = {
        "child_first_name": "Иван", "child_last_name": "Колев", "child_age": "14", "settlement": "10447",
        "settlement_q": "Велико Търново", "category": "violence", "description": TEXT, "urgency": "routine",
        "reporter": "me", "reporter_organisation": str(w.school.pk),
    }  # fmt: skip
    data.update(extra)
    return data


def test_any_professional_records_a_signal_and_sees_where_it_went(client, w):
    login(client, w.petrov)
    assert client.get(reverse("signals:new")).status_code == 200
    response = client.post(reverse("signals:new"), form_data(w))
    signal = Signal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("signals:detail", args=[signal.pk])
    page = client.get(response["Location"]).content.decode()
    assert signal.number in page and "ОЗД Велико Търново" in page and "ДПС" in page
    assert "ТАЙНО-ОПИСАНИЕ" in page  # his own words


def test_typing_a_settlement_without_choosing_it_is_an_error(client, w):
    login(client, w.petrov)
    response = client.post(reverse("signals:new"), form_data(w, settlement=""))
    assert response.status_code == 400
    assert "Изберете населеното място от списъка" in response.content.decode()
    assert not Signal.objects.exists()


def test_the_queue_is_for_the_departments_staff_only(client, w):
    signal = record(w)
    for user in (w.ivanova, w.nikolova):
        page = login(client, user).get(reverse("signals:incoming")).content.decode()
        assert signal.number in page and "Иван Колев" in page
    for user in (w.petrov, w.georgieva, w.angelova, w.admin):
        assert login(client, user).get(reverse("signals:incoming")).status_code == 404
    event = AuditEvent.objects.filter(action="signal.queue", actor_id=w.nikolova.pk).get()
    assert event.kind == AuditKind.READ and event.details["signal_ids"] == [signal.pk]


def test_each_reader_sees_what_they_may(client, w):
    signal = record(w)
    signal_assign(ctx=ctx_for(w.ivanova), signal=signal, assignee=w.ivanova)
    url = reverse("signals:detail", args=[signal.pk])
    department = login(client, w.ivanova).get(url).content.decode()
    assert (
        "ТАЙНО-ОПИСАНИЕ" in department and "Петър Петров" in department and "Запиши проверката" in department
    )
    police = login(client, w.georgieva).get(url).content.decode()
    assert "ТАЙНО-ОПИСАНИЕ" in police and "Петър Петров" not in police  # never who reported
    assert "Запиши проверката" not in police
    reporter = login(client, w.petrov).get(url).content.decode()
    assert "Какво стана със сигнала" in reporter and "Запиши проверката" not in reporter
    for outsider in (w.angelova, w.admin, w.stoyanov):
        assert login(client, outsider).get(url).status_code == 404
        assert not AuditEvent.objects.filter(actor_id=outsider.pk, kind=AuditKind.READ).exists()
    reads = AuditEvent.objects.filter(action="signal.view", object_id=str(signal.pk), kind=AuditKind.READ)
    assert set(reads.values_list("details__via", flat=True)) == {"department", "informed", "reporter"}


def test_the_department_takes_checks_and_opens_a_case_through_the_pages(client, w):
    signal = record(w)
    login(client, w.ivanova)
    client.post(reverse("signals:assign", args=[signal.pk]), {"take": "1"})
    signal.refresh_from_db()
    assert signal.assigned_to == w.ivanova
    response = client.post(
        reverse("signals:check", args=[signal.pk]), {"actions": "Посещение.", "findings": "Потвърдено."}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("signals:child", args=[signal.pk]),
        {"action": "register", "first_name": "Иван", "last_name": "Колев", "birth_date": "09.01.2012", "sex": "m",
         "settlement": "10447"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        reverse("signals:decide", args=[signal.pk]),
        {
            "decision": "open_case",
            "lead": w.ivanova.pk,
            "add_reporter": "on",
            "reporter_level": "2",
            "summary": "",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.team.filter(user=w.petrov, left_at__isnull=True).exists()


def test_a_decision_without_its_reason_shows_the_error(client, w):
    signal = record(w)
    login(client, w.ivanova)
    client.post(reverse("signals:assign", args=[signal.pk]), {"take": "1"})
    client.post(
        reverse("signals:check", args=[signal.pk]), {"actions": "Посещение.", "findings": "Няма риск."}
    )
    response = client.post(
        reverse("signals:decide", args=[signal.pk]),
        {"decision": "no_case", "reason": "", "reporter_level": "2"},
    )
    assert response.status_code == 400 and "Посочете защо не е нужен случай" in response.content.decode()


def test_my_work_shows_the_intake_clocks(client, w):
    signal = record(w)
    head = login(client, w.nikolova).get(reverse("protocols:my_work")).content.decode()
    assert signal.number in head and "Чакат някой да ги провери" in head and "Иван" not in head
    signal_assign(ctx=ctx_for(w.nikolova), signal=signal, assignee=w.ivanova)
    mine = login(client, w.ivanova).get(reverse("protocols:my_work")).content.decode()
    assert signal.number in mine and "За проверка и решение от мен" in mine
    reporter = login(client, w.petrov).get(reverse("protocols:my_work")).content.decode()
    assert signal.number in reporter and "Сигнали, подадени от мен" in reporter


def test_the_compliance_page_counts_the_intake(client, w):
    record(w)
    page = login(client, w.nikolova).get(reverse("protocols:compliance")).content.decode()
    assert "Получени сигнали" in page and "Иван" not in page


def test_a_professional_whose_organisation_leads_no_case_is_sent_to_record_a_signal(client, w):
    response = login(client, w.georgieva).get(reverse("cases:open"))
    assert response.status_code == 302 and response["Location"] == reverse("signals:new")
    assert login(client, w.ivanova).get(reverse("cases:open")).status_code == 200


def test_the_queue_has_a_fixed_query_budget(client, w):
    def count():
        login(client, w.ivanova)
        client.get(reverse("signals:incoming"))
        with CaptureQueriesContext(connection) as q:
            assert client.get(reverse("signals:incoming")).status_code == 200
        return len(q.captured_queries)

    from zaedno.core.testing import open_case

    def registered_child(i):
        from zaedno.children.services import child_register

        return child_register(
            ctx=ctx_for(w.ivanova),
            first_name="Дете",
            last_name=f"Номер{i}",
            birth_date=dt.date(2013, 1, 1),
            sex="m",
        )

    record(w)
    open_case(w, registered_child(0))  # one decided signal, about a registered child
    few = count()
    for i in range(30):
        s = record(w, by=w.georgieva if i % 2 else w.petrov, category="neglect" if i % 3 else "violence")
        if i % 4 == 0:
            signal_assign(ctx=ctx_for(w.ivanova), signal=s, assignee=w.ivanova)
        if i % 5 == 0:
            open_case(w, registered_child(i + 1))
    assert count() == few
    # Session, user, departments (3), signals and routes twice, the audited read (5), duty (2),
    # the unread count.
    assert few <= 17, few


def test_who_reported_is_never_in_exports_or_documents_for_the_family(client, protocols, clock):
    """The world's case came from a class teacher's call: the reporter's name is on the signal,
    for the lead, and nowhere a family or an export could take it from."""
    clock.set(2026, 5, 20, 11, 0)
    w = build_world()
    reporter = w.case.signals.get().reporter_name
    assert reporter == "Класен ръководител"
    login(client, w.ivanova)
    assert (
        reporter in client.get(reverse("cases:detail", args=[w.case.pk])).content.decode()
    )  # the lead sees it
    for url in (
        reverse("cases:export"),
        reverse("documents:family_sheet", args=[w.case.pk]) + "?lang=bg",
        reverse("documents:list", args=[w.case.pk]),
        reverse("cases:list"),
        f"/api/v1/cases/{w.case.pk}/timeline/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert reporter not in body.decode(), url
    # A member at the standard level sees neither who reported nor what was reported.
    page = login(client, w.petrov).get(reverse("cases:detail", args=[w.case.pk])).content.decode()
    assert reporter not in page and "ТАЙНО-СИГНАЛ" not in page
    api = client.get(f"/api/v1/cases/{w.case.pk}/").json()["signals"][0]
    assert (api["reporter_name"], api["reporter_organisation"], api["description"]) == (None, None, None)
