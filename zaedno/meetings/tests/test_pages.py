"""The meeting and decision pages: the whole lifecycle through the web forms, the decisions list,
"my work" and compliance, the minutes print page and PDF, sharing levels and outsiders.

Assertions look for data (names, dates, Cyrillic text of the minutes) and markup, not for the
words of the interface, which change with the translation catalogue.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.documents.testing import pdf_text
from zaedno.meetings import services
from zaedno.meetings.models import (
    Attendance,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ResponsibleKind,
)
from zaedno.meetings.panels import work_panel
from zaedno.meetings.scan import decision_scan
from zaedno.meetings.tests.conftest import local
from zaedno.notifications.models import Notification

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]
MINUTES = "Екипът обсъди училищните отсъствия на Георги и подкрепата за майката."


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def murl(meeting, name="detail", *extra):
    return reverse(f"meetings:{name}", args=[meeting.case_id, meeting.pk, *extra])


def held(world, schedule, clock, *, sensitivity=Sensitivity.STANDARD, lock=False):
    meeting = schedule()
    clock.set(2026, 5, 22, 11, 30)
    access = access_for(world.ivanova, world.case)
    entries = {
        p.pk: (Attendance.PRESENT if p.user_id else Attendance.EXCUSED, "")
        for p in meeting.participants.all()
    }
    services.meeting_attendance_record(
        ctx=ctx_for(world.ivanova), access=access, meeting=meeting, entries=entries
    )
    meeting.refresh_from_db()
    services.meeting_minutes_save(
        ctx=ctx_for(world.ivanova), access=access, meeting=meeting, expected_version=meeting.version,
        minutes=MINUTES, child_views="Георги каза, че иска да остане в класа си.", sensitivity=sensitivity,
    )  # fmt: skip
    meeting = services.meeting_hold(ctx=ctx_for(world.ivanova), access=access, meeting=meeting)
    services.decision_record(
        ctx=ctx_for(world.ivanova), access=access, meeting=meeting, text="Училищният психолог води Георги всяка седмица",
        responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user=world.petrov, due_on=dt.date(2026, 6, 5),
    )  # fmt: skip
    if lock:
        for user in services.minutes_confirmers(meeting):
            meeting = services.minutes_confirm(
                ctx=ctx_for(user.user), access=access_for(user.user, world.case), meeting=meeting
            )
    return meeting


# --- the lifecycle through the forms -------------------------------------------------------------


def test_the_meeting_lifecycle_through_the_pages(
    client, world, clock, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, world.ivanova)
    case = world.case
    assert client.get(reverse("meetings:list", args=[case.pk])).status_code == 200
    form = client.get(reverse("meetings:schedule", args=[case.pk]))
    assert form.status_code == 200 and "Петър Петров" in form.content.decode()
    data = {
        "kind": MeetingKind.CONFERENCE_INITIAL, "title": "Първа среща", "starts_at": "22.05.2026 10:00",
        "ends_at": "22.05.2026 11:30", "place": "ОЗД, стая 12", "agenda": "1. Оценка", "chair": world.ivanova.pk,
        "members": [world.ivanova.pk, world.petrov.pk],
        "guest-TOTAL_FORMS": "3", "guest-INITIAL_FORMS": "0", "guest-MIN_NUM_FORMS": "0", "guest-MAX_NUM_FORMS": "10",
        "guest-0-name": "Анна Стефанова", "guest-0-role": "parent", "guest-0-role_note": "майка",
        "guest-0-email": "anna@example.org",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:schedule", args=[case.pk]), data)
    meeting = Meeting.objects.get(case=case)
    assert response.status_code == 302 and response.url == murl(meeting)
    assert meeting.starts_at == local(2026, 5, 22, 10, 0)
    assert len(mailoutbox) == 3 and all(m.attachments for m in mailoutbox)
    page = client.get(murl(meeting)).content.decode()
    for text in ("Анна Стефанова", "ОЗД, стая 12", "22.05.2026", murl(meeting, "ics")):
        assert text in page, text

    ics = client.get(murl(meeting, "ics"))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"SEQUENCE:0" in ics.content and "Георги".encode() not in ics.content

    clock.set(2026, 5, 22, 11, 45)
    login(client, world.ivanova)  # sessions last a working day
    people = {p.display_name: p for p in meeting.participants.all()}
    attendance = {f"att_{p.pk}": "present" for p in people.values()}
    attendance[f"att_{people['Анна Стефанова'].pk}"] = "excused"
    attendance[f"note_{people['Анна Стефанова'].pk}"] = "болна"
    assert client.post(murl(meeting, "attendance"), attendance).status_code == 302
    assert client.get(murl(meeting, "minutes")).status_code == 200
    response = client.post(
        murl(meeting, "minutes"),
        {"minutes": MINUTES, "child_views": "Чрез психолога.", "parents_views": "По телефона.", "sensitivity": "2",
         "version": Meeting.objects.get(pk=meeting.pk).version},
    )  # fmt: skip
    assert response.status_code == 302
    stale = client.post(
        murl(meeting, "minutes"), {"minutes": "Стара версия", "sensitivity": "2", "version": "1"}
    )
    assert stale.status_code == 409
    assert client.post(murl(meeting, "hold")).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    response = client.post(
        murl(meeting, "decision_add"),
        {"text": "Психологът среща Георги всяка седмица", "kind": "", "responsible_kind": "professional",
         "responsible_user": world.petrov.pk, "due_on": "05.06.2026", "sensitivity": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    decision = Decision.objects.get(meeting=meeting)
    assert decision.due_on == dt.date(2026, 6, 5)

    assert client.post(murl(meeting, "confirm")).status_code == 302
    login(client, world.petrov)
    assert 'action="{}"'.format(murl(meeting, "confirm")) in client.get(murl(meeting)).content.decode()
    client.post(murl(meeting, "confirm"))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.LOCKED
    # Locked: the minutes form sends you back, a stale POST is refused; an addendum is added.
    assert client.get(murl(meeting, "minutes")).status_code == 302
    client.post(
        murl(meeting, "minutes"), {"minutes": "Подменено", "sensitivity": "2", "version": meeting.version}
    )
    assert Meeting.objects.get(pk=meeting.pk).minutes == MINUTES
    client.post(murl(meeting, "addendum"), {"text": "Допълнение: майката се обади след срещата."})
    assert meeting.addenda.count() == 1
    assert "Допълнение: майката" in client.get(murl(meeting)).content.decode()

    # Progress on the decision page, then done.
    durl = reverse("meetings:decision", args=[case.pk, decision.pk])
    assert (
        client.post(durl, {"text": "Две срещи досега.", "status": "in_progress", "version": 1}).status_code
        == 302
    )
    assert (
        client.post(durl, {"text": "", "status": "not_done", "reason": "", "version": 2}).status_code == 400
    )
    assert client.post(durl, {"text": "Готово.", "status": "done", "version": 2}).status_code == 302
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.DONE


def test_the_next_meeting_opens_with_the_review_of_open_decisions(client, world, schedule, clock):
    first = held(world, schedule, clock)
    second = schedule(kind=MeetingKind.CONFERENCE_REVIEW, starts_at=local(2026, 6, 10, 10, 0))
    decision = Decision.objects.get(meeting=first)
    login(client, world.ivanova)
    page = client.get(murl(second)).content.decode()
    assert page.index('id="review-title"') < page.index('id="details-title"')
    assert f'id="review-{decision.pk}"' in page and "Училищният психолог води Георги" in page
    response = client.post(
        murl(second, "review", decision.pk),
        {"text": "Три срещи проведени.", "status": "in_progress", "version": 1},
    )
    assert response.status_code == 302
    note = decision.notes.get()
    assert note.meeting == second and note.status_to == "in_progress"
    assert "Три срещи проведени." in client.get(murl(second)).content.decode()


def test_the_decisions_page_filters_and_highlights_overdue(
    client, world, schedule, clock, django_assert_max_num_queries
):
    held(world, schedule, clock)
    login(client, world.ivanova)
    url = reverse("meetings:decisions", args=[world.case.pk])
    assert "is-overdue" not in client.get(url).content.decode()
    clock.set(2026, 6, 6, 9, 0)
    login(client, world.ivanova)
    page = client.get(url).content.decode()
    assert "is-overdue" in page and "Училищният психолог" in page
    assert "Училищният психолог" in client.get(url + "?status=overdue").content.decode()
    assert "Училищният психолог" not in client.get(url + "?status=done").content.decode()
    with django_assert_max_num_queries(20):
        client.get(url)


# --- the deadline scan, my work, compliance ---------------------------------------------------------


def test_reminder_and_overdue_notices_go_once_and_show_in_my_work(client, world, schedule, clock):
    meeting = held(world, schedule, clock)
    Notification.objects.all().delete()
    clock.set(2026, 6, 3, 9, 0)  # two days before
    decision_scan()
    assert not Notification.objects.filter(kind__startswith="decision.").exists()
    clock.set(2026, 6, 4, 8, 0)  # the day before: the reminder, to the responsible professional
    assert decision_scan().reminded == 1
    decision_scan()
    assert list(
        Notification.objects.filter(kind="decision.remind").values_list("user__username", flat=True)
    ) == ["petrov"]
    login(client, world.petrov)
    work = client.get("/work/").content.decode()
    assert "my-decisions-title" in work and "Училищният психолог води Георги" in work
    clock.set(2026, 6, 6, 8, 0)  # the day after: overdue, to petrov and the case lead
    result = decision_scan()
    decision_scan()
    assert (result.overdue, result.notifications) == (1, 2)
    login(client, world.petrov)
    overdue = Notification.objects.filter(kind="decision.overdue")
    assert sorted(overdue.values_list("user__username", flat=True)) == ["ivanova", "petrov"]
    assert all("Георги" not in n.title for n in overdue)
    work = client.get("/work/").content.decode()
    assert "is-overdue" in work
    login(client, world.ivanova)
    work = client.get("/work/").content.decode()
    assert "others-decisions-title" in work and "Петър Петров" in work
    page = client.get("/compliance/").content.decode()
    assert "decisions-compliance-title" in page and "Георги" not in page
    assert Decision.objects.get(meeting=meeting).overdue_sent_at is not None


def test_the_deadline_scan_task_runs_the_decision_scan(world, schedule, clock):
    from zaedno.protocols.tasks import deadline_scan_task

    held(world, schedule, clock)
    clock.set(2026, 6, 6, 8, 0)
    result = deadline_scan_task.call()
    assert "decisions: 0 reminded, 1 overdue" in result


def test_a_decision_owed_by_a_parent_reminds_the_case_lead(world, schedule, clock):
    meeting = schedule()
    services.decision_record(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), meeting=meeting,
        text="Майката записва Георги на футбол", responsible_kind=ResponsibleKind.PARENT,
        responsible_name="Анна Стефанова, майка", due_on=dt.date(2026, 6, 1),
    )  # fmt: skip
    clock.set(2026, 5, 31, 8, 0)
    decision_scan()
    assert list(
        Notification.objects.filter(kind="decision.remind").values_list("user__username", flat=True)
    ) == ["ivanova"]


def test_my_work_panel_costs_the_same_whatever_the_number_of_decisions(
    world, schedule, clock, django_assert_num_queries
):
    meeting = schedule()
    access = access_for(world.ivanova, world.case)

    def add(n):
        for i in range(n):
            services.decision_record(
                ctx=ctx_for(world.ivanova), access=access, meeting=meeting, text=f"Решение {i}",
                responsible_kind=ResponsibleKind.PROFESSIONAL, responsible_user=world.petrov,
                due_on=dt.date(2026, 5, 22) + dt.timedelta(days=i),
            )  # fmt: skip

    add(2)
    clock.set(2026, 6, 1, 9, 0)
    with django_assert_num_queries(2):
        panel = work_panel(world.ivanova, clock.at)
        assert len(panel["work"].others_overdue) == 2
        [d.case.child.full_name for d in panel["work"].others_overdue]
    clock.set(2026, 5, 22, 11, 0)
    add(15)
    clock.set(2026, 6, 1, 9, 0)
    with django_assert_num_queries(2):
        panel = work_panel(world.ivanova, clock.at)
        assert len(panel["work"].others_overdue) > 2
        [(d.case.child.full_name, d.meeting.kind) for d in panel["work"].others_overdue]
    with django_assert_num_queries(2):
        panel = work_panel(world.petrov, clock.at)
        assert len(panel["work"].own) == 17


# --- documents and sharing levels ---------------------------------------------------------------------


def test_minutes_print_page_and_pdf_with_cyrillic(client, world, schedule, clock):
    meeting = held(world, schedule, clock, lock=True)
    login(client, world.ivanova)
    page = client.get(murl(meeting, "print"))
    html = page.content.decode()
    assert page.status_code == 200
    for text in (world.case.number, "22.05.2026", "ОЗД, стая 12", "Мария Иванова", "Анна Стефанова", MINUTES,
                 "Георги каза, че иска да остане в класа си.", "Училищният психолог води Георги", "05.06.2026"):  # fmt: skip
        assert text in html, text
    response = client.get(murl(meeting, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert world.case.number in text
    assert "Екипът обсъди училищните отсъствия" in text
    assert "Петър Петров" in text
    assert AuditEvent.objects.filter(action="meeting.minutes.pdf", case_id=world.case.pk).exists()
    docs = client.get(reverse("documents:list", args=[world.case.pk]))
    if docs.status_code == 200:  # the documents page (another app) lists the minutes
        assert murl(meeting, "pdf") in docs.content.decode()


def test_a_member_below_the_minutes_sensitivity_sees_restricted(client, world, schedule, clock):
    meeting = held(world, schedule, clock, sensitivity=Sensitivity.SENSITIVE)
    # petrov (standard level) cannot read sensitive minutes: he confirms the part he may read.
    scopes = {p.user: p.scope for p in services.minutes_confirmers(meeting)}
    assert scopes == {world.ivanova: services.SCOPE_FULL, world.petrov: services.SCOPE_PART}
    login(client, world.petrov)
    for url in (murl(meeting), murl(meeting, "print")):
        html = client.get(url).content.decode()
        assert 'class="restricted"' in html and MINUTES not in html and "Георги каза" not in html
    text = pdf_text(client.get(murl(meeting, "pdf")).content)
    assert "Екипът обсъди" not in text
    assert client.get(murl(meeting, "minutes")).status_code == 403
    login(client, world.ivanova)
    assert MINUTES in client.get(murl(meeting)).content.decode()


# --- outsiders --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_page(client, world, schedule, clock, name):
    meeting = held(world, schedule, clock)
    decision = Decision.objects.get(meeting=meeting)
    case = world.case
    login(client, getattr(world, name))
    gets = [
        reverse("meetings:list", args=[case.pk]),
        reverse("meetings:schedule", args=[case.pk]),
        reverse("meetings:decisions", args=[case.pk]),
        reverse("meetings:decision", args=[case.pk, decision.pk]),
        reverse("meetings:decision_edit", args=[case.pk, decision.pk]),
        *[murl(meeting, n) for n in ("detail", "reschedule", "cancel", "invite", "minutes", "decision_add", "ics",
                                     "print", "pdf")],
    ]  # fmt: skip
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        *[murl(meeting, n) for n in ("attendance", "minutes", "hold", "confirm", "addendum", "cancel")],
        murl(meeting, "review", decision.pk),
        reverse("meetings:decision", args=[case.pk, decision.pk]),
    ]
    for url in posts:
        assert client.post(url, {"text": "x", "reason": "x"}).status_code == 404, url
    # A missing case answers the same.
    assert client.get(reverse("meetings:list", args=[999999])).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD


def test_a_meeting_of_another_case_is_not_found_through_this_one(client, world, schedule, clock):
    from zaedno.core.testing import open_case

    other = open_case(world, world.child)
    meeting = schedule()
    login(client, world.ivanova)
    assert client.get(reverse("meetings:detail", args=[other.pk, meeting.pk])).status_code == 404


def test_the_case_page_shows_the_next_meeting_and_overdue_decisions(
    client, world, schedule, clock, django_assert_num_queries
):
    from zaedno.meetings.panels import case_panel

    first = held(world, schedule, clock)
    upcoming = schedule(kind=MeetingKind.CONFERENCE_REVIEW, starts_at=local(2026, 6, 10, 10, 0))
    clock.set(2026, 6, 6, 9, 0)
    access = access_for(world.ivanova, world.case)
    with django_assert_num_queries(1):
        panel = case_panel(access, clock.at)
    assert (panel["open"], panel["overdue"], panel["total"]) == (1, 1, 1)
    assert panel["next_meeting"]["pk"] == upcoming.pk and first.pk != upcoming.pk
    html = login(client, world.ivanova).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "meetings-panel-title" in html and murl(upcoming) in html and "10.06.2026 10:00" in html


def test_compliance_counts_decisions_by_state_per_organisation(world, schedule, clock):
    from zaedno.meetings.panels import compliance_panel

    meeting = schedule(starts_at=local(2026, 5, 20, 9, 0))
    access = access_for(world.ivanova, world.case)

    def add(text, due, **kw):
        data = {
            "responsible_kind": ResponsibleKind.ORGANISATION,
            "responsible_organisation": world.school,
        } | kw
        return services.decision_record(
            ctx=ctx_for(world.ivanova), access=access, meeting=meeting, text=text, due_on=due, **data
        )

    on_time, late, not_done, open_, overdue = (
        add("а", dt.date(2026, 5, 25)), add("б", dt.date(2026, 5, 21)), add("в", dt.date(2026, 6, 30)),
        add("г", dt.date(2026, 6, 30)), add("д", dt.date(2026, 5, 21)),
    )  # fmt: skip
    for decision, status, reason in (
        (on_time, "done", ""),
        (late, "done", ""),
        (not_done, "not_done", "Отказ"),
    ):
        if decision is late:
            clock.set(2026, 5, 23, 9, 0)
        services.decision_progress(
            ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), decision=decision,
            status=status, reason=reason,
        )  # fmt: skip
    later = schedule(kind=MeetingKind.CONFERENCE_REVIEW, starts_at=local(2026, 6, 10, 10, 0))
    services.decision_record(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), meeting=later, text="е",
        responsible_kind=ResponsibleKind.PARENT, responsible_name="Анна", due_on=dt.date(2026, 7, 1),
        supersedes=[Decision.objects.get(pk=open_.pk)],
    )  # fmt: skip
    assert overdue.status == DecisionStatus.OPEN
    clock.set(2026, 6, 1, 9, 0)
    orgs = {o.pk: o for o in (world.ozd, world.school)}
    panel = compliance_panel(world.nikolova, orgs, {}, clock.at)
    # on track, overdue, done on time, done late, not done, superseded
    assert panel["led"] == [{"name": str(world.ozd), "cells": [1, 1, 1, 1, 1, 1], "total": 6}]
    assert panel["owned"] == [{"name": str(world.school), "cells": [0, 1, 1, 1, 1, 1], "total": 5}]


def test_a_professional_who_left_the_team_no_longer_sees_the_decision_in_my_work(world, schedule, clock):
    from zaedno.cases.services import team_member_remove

    held(world, schedule, clock)
    assert work_panel(world.petrov, clock.at)["work"].own
    team_member_remove(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), member=world.petrov_member,
        reason="Смени училището.",
    )  # fmt: skip
    assert work_panel(world.petrov, clock.at) is None


def test_every_form_page_renders_for_the_lead_and_invite_and_move_work(
    client, world, schedule, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = schedule(members=[], guests=[])
    decision = services.decision_record(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), meeting=meeting, text="Решение",
        responsible_kind=ResponsibleKind.CHILD, due_on=dt.date(2026, 6, 1),
    )  # fmt: skip
    login(client, world.ivanova)
    for url in [
        *[
            murl(meeting, n)
            for n in ("detail", "reschedule", "cancel", "invite", "minutes", "decision_add", "print")
        ],
        reverse("meetings:decision", args=[world.case.pk, decision.pk]),
        reverse("meetings:decision_edit", args=[world.case.pk, decision.pk]),
        reverse("meetings:list", args=[world.case.pk]),
        reverse("meetings:decisions", args=[world.case.pk]) + "?status=open",
    ]:
        assert client.get(url).status_code == 200, url
    guests = {"guest-TOTAL_FORMS": "1", "guest-INITIAL_FORMS": "0", "guest-0-name": "Баба Мара",
              "guest-0-role": "relative", "guest-0-email": "mara@example.org"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(murl(meeting, "invite"), {"members": [world.petrov.pk], **guests})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["mara@example.org", "petrov@example.org"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            murl(meeting, "reschedule"),
            {
                "starts_at": "23.05.2026 09:00",
                "ends_at": "23.05.2026 10:00",
                "place": "Училището",
                "version": 1,
            },
        )
    assert response.status_code == 302 and len(mailoutbox) == 3
    assert "SEQUENCE:1" in mailoutbox[0].attachments[0][1]
    stale = client.post(
        murl(meeting, "reschedule"),
        {"starts_at": "24.05.2026 09:00", "ends_at": "24.05.2026 10:00", "place": "", "version": 1},
    )
    assert stale.status_code == 409
    response = client.post(
        reverse("meetings:decision_edit", args=[world.case.pk, decision.pk]),
        {"text": "Решение, поправено", "responsible_kind": "child", "due_on": "02.06.2026", "version": 1},
    )
    assert response.status_code == 302 and Decision.objects.get(pk=decision.pk).text == "Решение, поправено"
