"""Case work in a real browser (Playwright + Debian Chromium), with screenshots.

The case lead calls the first case conference, invites the school psychologist and the mother,
records who came and how the child's and the mother's views were heard, writes the minutes and
two decisions, and marks the conference held — which completes the protocol step. Then the team's
Dis-Integration Grid and a Signs-of-Safety map with a safety scale rated by two people; then the
case plan, agreed at that conference (the protocol's plan step), and both PDFs downloaded and
read back in Cyrillic. Last, the meeting and the plan on a phone-sized screen.

Screenshots go to ``test-artifacts/screenshots/casework-*.png`` (kept by CI). The pages are in
Bulgarian: elements are found by ids, names and link targets; the assertions use the data typed in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from zaedno.core.browser import SCREENSHOTS, shot
from zaedno.core.testing import PASSWORD
from zaedno.documents.testing import pdf_text
from zaedno.meetings.models import Attendance, Decision, Meeting, MeetingKind, MeetingStatus
from zaedno.plans.models import Plan, PlanStatus
from zaedno.protocols.models import CaseStep
from zaedno.protocols.tests.helpers import steps_done_before
from zaedno.tools.models import ToolDocument, ToolVersion

# A live server in another thread needs committed data; the flush afterwards must restore the
# EKATTE reference data loaded by migrations, hence the serialized rollback.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MOTHER = "Анна Стефанова"
GOAL = "Георги посещава училище всеки ден и се чувства сигурен в класа"
CHILD_WORDS = "Искам да ходя на училище, но ме е страх от големите момчета."
PARENTS_WORDS = "Ще го водя до училище всяка сутрин, докато свикне."
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_casework_journey(django_db_setup, browser, live_server, protocols, world):
    # ``protocols`` before ``world``: the case is opened with its protocol steps.
    try:
        _journey(browser, live_server.url, world)
    finally:
        # Under Playwright's greenlet the ORM runs in its own context with its own connection;
        # close it here, or PostgreSQL keeps a session open on the test database.
        connections.close_all()


def _journey(browser, base: str, w) -> None:
    context = browser.new_context(locale="bg-BG", viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ivanova")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Вход").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    case = w.case

    # A step completes only after the step it waits for: the team is formed before the conference,
    # and the assessment and the shared understanding are agreed before the plan.
    steps_done_before(case, "assessment_conference", user=w.ivanova)
    meeting = _schedule_conference(page, base, w)
    _hold_conference(page, base, w, meeting)
    _tools(page, base, meeting)
    steps_done_before(case, "plan_agreed", user=w.ivanova)
    plan = _plan(page, base, w, meeting)
    _pdfs(page, base, w, meeting, plan)

    phone = browser.new_context(
        locale="bg-BG", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        storage_state=context.storage_state(),
    )  # fmt: skip
    mobile = phone.new_page()
    mobile.set_default_timeout(15_000)
    for url, name in (
        (f"{base}/cases/{case.pk}/meetings/{meeting.pk}/", "casework-11-phone-meeting"),
        (f"{base}/cases/{case.pk}/plan/{plan.pk}/", "casework-12-phone-plan"),
    ):
        mobile.goto(url)
        shot(mobile, name + "-top", full_page=False)
        shot(mobile, name)
        assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    phone.close()
    context.close()


def _local_now() -> dt.datetime:
    return timezone.localtime(timezone.now()).replace(second=0, microsecond=0)


def _submit(page, selector: str) -> None:
    """Click a submit button and wait for the page the POST redirects to."""
    with page.expect_navigation():
        page.locator(selector).click()


def _schedule_conference(page, base: str, w) -> Meeting:
    """1. Case page → Meetings → schedule the initial case conference, petrov and the mother invited."""
    page.goto(f"{base}/cases/{w.case.pk}/")
    page.locator("nav.case-nav").get_by_role("link", name="Срещи").click()
    page.wait_for_url(f"{base}/cases/{w.case.pk}/meetings/")
    page.locator(f"a[href='/cases/{w.case.pk}/meetings/new/']").click()
    page.wait_for_url(f"{base}/cases/{w.case.pk}/meetings/new/")

    # It starts now (a few minutes ago), so that it can be marked held in this journey.
    starts = _local_now() - dt.timedelta(minutes=5)
    page.select_option("#id_kind", MeetingKind.CONFERENCE_INITIAL)
    page.fill("#id_title", "Първа конференция по случая")
    page.fill("#id_starts_at", starts.strftime("%d.%m.%Y %H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(minutes=90)).strftime("%d.%m.%Y %H:%M"))
    page.fill("#id_place", "ОЗД Велико Търново, зала 2")
    page.fill("#id_agenda", "1. Какво знаем за Георги.\n2. Безопасност у дома.\n3. Кой какво прави.")
    assert page.locator(f"input[name=members][value='{w.ivanova.pk}']").is_checked()
    page.check(f"input[name=members][value='{w.petrov.pk}']")
    page.fill("input[name='guest-0-name']", MOTHER)
    page.select_option("select[name='guest-0-role']", "parent")
    page.fill("input[name='guest-0-role_note']", "майка")
    shot(page, "casework-01-schedule-conference")
    _submit(page, "form.stacked button[type=submit].btn-primary")

    meeting = Meeting.objects.get(case=w.case)
    assert page.url == f"{base}/cases/{w.case.pk}/meetings/{meeting.pk}/"
    assert meeting.kind == MeetingKind.CONFERENCE_INITIAL and meeting.status == MeetingStatus.SCHEDULED
    people = page.locator("section[aria-labelledby=people-title]").inner_text()
    assert "Петър Петров" in people and MOTHER in people
    shot(page, "casework-02-conference-scheduled")
    return meeting


def _hold_conference(page, base: str, w, meeting: Meeting) -> None:
    """2. Attendance, minutes, two decisions; the conference held; the protocol step done."""
    url = f"{base}/cases/{w.case.pk}/meetings/{meeting.pk}/"
    parts = {(p.user_id or p.name): p.pk for p in meeting.participants.all()}
    attendance = {
        w.ivanova.pk: (Attendance.PRESENT, ""),
        w.petrov.pk: (Attendance.PRESENT, ""),
        MOTHER: (Attendance.EXCUSED, "Болно по-малко дете; мнението ѝ е взето по телефона преди срещата."),
    }
    for who, (value, note) in attendance.items():
        page.check(f"input[name='att_{parts[who]}'][value='{value}']")
        if note:
            page.fill(f"input[name='note_{parts[who]}']", note)
    _submit(page, f"form[action$='/meetings/{meeting.pk}/attendance/'] button[type=submit]")
    assert {p.attendance for p in meeting.participants.all()} == {Attendance.PRESENT, Attendance.EXCUSED}

    page.locator(f"a[href$='/meetings/{meeting.pk}/minutes/']").click()
    page.wait_for_url(url + "minutes/")
    page.fill(
        "#id_child_views",
        "Социалната работничка говори с Георги в училище преди срещата: иска да учи, страх го е от по-големите.",
    )
    page.fill("#id_parents_views", "Майката не можа да дойде; по телефона каза, че иска помощ с училището.")
    page.fill("#id_minutes", "Екипът обсъди отсъствията и безопасността на Георги у дома.\nДоговорено: подкрепа в училище и разговор с майката.")  # fmt: skip
    _submit(page, "form.stacked button[type=submit].btn-primary")
    assert page.url == url

    due = timezone.localdate() + dt.timedelta(days=14)
    page.locator(f"a[href$='/meetings/{meeting.pk}/decisions/new/']").click()
    page.wait_for_url(url + "decisions/new/")
    page.fill("#id_text", "Индивидуални консултации с Георги веднъж седмично в училище.")
    page.check("input[name=responsible_kind][value=professional]")
    page.select_option("#id_responsible_user", str(w.petrov.pk))
    page.fill("#id_due_on", due.strftime("%d.%m.%Y"))
    shot(page, "casework-03-decision-form")
    _submit(page, "button[type=submit][name=another]")  # "save and record another"
    assert page.url == url + "decisions/new/"
    page.fill("#id_text", "Майката води Георги до училище всяка сутрин.")
    page.check("input[name=responsible_kind][value=parent]")
    page.fill("#id_responsible_name", f"{MOTHER}, майка")
    page.fill("#id_due_on", (due + dt.timedelta(days=7)).strftime("%d.%m.%Y"))
    _submit(page, "form.stacked button[type=submit].btn-primary")
    assert page.url == url
    decisions = list(Decision.objects.filter(meeting=meeting).order_by("number"))
    assert [(d.responsible_user_id, d.due_on) for d in decisions] == [
        (w.petrov.pk, due),
        (None, due + dt.timedelta(days=7)),
    ]
    table = page.locator("section[aria-labelledby=decisions-title]").inner_text()
    assert "Петър Петров" in table and MOTHER in table and due.strftime("%d.%m.%Y") in table

    _submit(page, f"form[action$='/meetings/{meeting.pk}/hold/'] button[type=submit]")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert page.locator(f"form[action$='/meetings/{meeting.pk}/confirm/']").count() == 1  # ivanova confirms
    assert "Екипът обсъди отсъствията" in page.locator("section[aria-labelledby=minutes-title]").inner_text()
    shot(page, "casework-04-conference-held")

    page.locator("nav.case-nav").get_by_role("link", name="Стъпки по протокола").click()
    page.wait_for_url(f"{base}/cases/{w.case.pk}/protocol/")
    _assert_step_done(page, w.case, "assessment_conference")
    shot(page, "casework-05-protocol-conference-done")


def _assert_step_done(page, case, code: str) -> None:
    step = CaseStep.objects.get(case=case, step_code=code)
    assert step.status == "done", (code, step.status)
    row = page.locator(f"#step-{step.pk}")
    assert "state-row-done" in (row.get_attribute("class") or "")
    assert "✓" in row.inner_text()


def _tools(page, base: str, meeting: Meeting) -> None:
    """3. A Dis-Integration Grid and a Signs-of-Safety map with the safety scale, made at the conference."""
    case_id = meeting.case_id
    page.locator("nav.case-nav").get_by_role("link", name="Инструменти за обсъждане").click()
    page.wait_for_url(f"{base}/cases/{case_id}/tools/")
    page.locator(f"a[href='/cases/{case_id}/tools/new/disintegration_grid/']").click()
    page.wait_for_url(f"{base}/cases/{case_id}/tools/new/disintegration_grid/")
    page.select_option("select[name=meeting]", str(meeting.pk))
    page.fill("input[name='t-focus']", "Отсъствията на Георги от училище")
    rows = [
        (MOTHER, "майка", "Детето често е болно", "Да остава вкъщи, когато го боли корем",
         "Аз го гледам", "differ"),
        ("Петър Петров", "училищен психолог", "Страх от по-големи ученици", "Консултации и разговор с класа",
         "Психологът — консултации; класната — часа на класа", "partly"),
    ]  # fmt: skip
    for i, (name, role, problem, action, who, convergence) in enumerate(rows):
        page.fill(f"input[name='t-rows-{i}-name']", name)
        page.fill(f"input[name='t-rows-{i}-role']", role)
        page.fill(f"textarea[name='t-rows-{i}-problem']", problem)
        page.fill(f"textarea[name='t-rows-{i}-action']", action)
        page.fill(f"textarea[name='t-rows-{i}-who_does_what']", who)
        page.select_option(f"select[name='t-rows-{i}-convergence']", convergence)
    page.fill("textarea[name='t-summary']", "Среща с майката и класната ръководителка до петък.")
    _submit(page, "form.tool-form button[type=submit]")
    grid = ToolDocument.objects.get(case_id=case_id, kind="disintegration_grid")
    assert page.url == f"{base}/cases/{case_id}/tools/{grid.pk}/"
    version = ToolVersion.objects.get(document=grid)
    assert version.meeting_id == meeting.pk
    saved = version.data["rows"]
    assert [(r["name"], r["convergence"]) for r in saved] == [(MOTHER, "differ"), ("Петър Петров", "partly")]
    assert "Страх от по-големи ученици" in page.locator("main").inner_text()
    shot(page, "casework-06-disintegration-grid")

    page.goto(f"{base}/cases/{case_id}/tools/new/safety_map/")
    page.select_option("select[name=meeting]", str(meeting.pk))
    for field, text in {
        "harm": "Синини по ръцете, забелязани в училище през октомври.",
        "danger": "Може отново да бъде ударен, ако бащата се върне пиян.",
        "complicating": "Безработица; семейството живее при бабата.",
        "strengths": "Бабата го взима от училище; майката търси помощ.",
        "existing_safety": "Когато бабата е вкъщи, Георги е в безопасност.",
        "safety_goals": "Георги е в безопасност у дома и ходи на училище.",
        "next_steps": "План за безопасност с майката до петък.",
    }.items():
        page.fill(f"textarea[name='t-{field}']", text)
    for i, (name, role, rating) in enumerate(
        (("Мария Иванова", "ОЗД", 4), ("Петър Петров", "училищен психолог", 6))
    ):
        page.fill(f"input[name='t-ratings-{i}-name']", name)
        page.fill(f"input[name='t-ratings-{i}-role']", role)
        page.fill(f"input[name='t-ratings-{i}-rating']", str(rating))
    shot(page, "casework-07-safety-map-form")
    _submit(page, "form.tool-form button[type=submit]")
    safety = ToolDocument.objects.get(case_id=case_id, kind="safety_map")
    assert page.url == f"{base}/cases/{case_id}/tools/{safety.pk}/"
    ratings = ToolVersion.objects.get(document=safety).data["ratings"]
    assert [r["rating"] for r in ratings] == [4, 6]
    assert page.locator("svg.safety-chart").count() == 1
    assert "Синини по ръцете" in page.locator("main").inner_text()
    shot(page, "casework-08-safety-map")


def _plan(page, base: str, w, meeting: Meeting) -> Plan:
    """4. The case plan: a goal, a waymark, two actions, their own words; agreed at the conference."""
    case_id = w.case.pk
    page.locator("nav.case-nav").get_by_role("link", name="План").click()
    page.wait_for_url(f"{base}/cases/{case_id}/plan/")
    _submit(page, f"form[action='/cases/{case_id}/plan/start/'] button[type=submit]")
    plan = Plan.objects.get(case_id=case_id)
    assert page.url == f"{base}/cases/{case_id}/plan/{plan.pk}/edit/"

    today = timezone.localdate()
    page.fill("#id_purpose", "Георги да е в безопасност у дома и да ходи с желание на училище.")
    page.fill("#id_child_words", CHILD_WORDS)
    page.fill("#id_parents_words", PARENTS_WORDS)
    page.select_option("select[name='goals-0-domain']", "education")
    page.fill("textarea[name='goals-0-text']", GOAL)
    page.select_option("select[name='waymarks-0-goal']", "1")
    page.fill("input[name='waymarks-0-text']", "Без неизвинени отсъствия цял месец")
    page.fill("input[name='waymarks-0-target_on']", (today + dt.timedelta(days=30)).isoformat())
    page.fill("textarea[name='actions-0-text']", "Консултации с Георги веднъж седмично")
    page.select_option("select[name='actions-0-goal']", "1")
    page.select_option("select[name='actions-0-who_kind']", "professional")
    page.select_option("select[name='actions-0-who_user']", str(w.petrov.pk))
    page.fill("input[name='actions-0-due_on']", (today + dt.timedelta(days=60)).isoformat())
    page.fill("textarea[name='actions-1-text']", "Води Георги до училище всяка сутрин")
    page.select_option("select[name='actions-1-goal']", "1")
    page.select_option("select[name='actions-1-who_kind']", "parent")
    page.fill("input[name='actions-1-who_name']", f"{MOTHER}, майка")
    page.fill("input[name='actions-1-due_on']", (today + dt.timedelta(days=30)).isoformat())
    shot(page, "casework-09-plan-draft-form")
    _submit(page, "form.plan-edit button[type=submit].btn-primary")
    assert page.url == f"{base}/cases/{case_id}/plan/{plan.pk}/"
    assert CHILD_WORDS in page.locator("blockquote.own-words").first.inner_text()
    assert GOAL in page.locator(".plan-goal").first.inner_text()

    page.locator(f"a[href='/cases/{case_id}/plan/{plan.pk}/agree/']").click()
    page.wait_for_url(f"{base}/cases/{case_id}/plan/{plan.pk}/agree/")
    page.select_option("#id_meeting", str(meeting.pk))
    _submit(page, "form.stacked button[type=submit].btn-primary")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.agreed_meeting_id == meeting.pk
    assert page.url == f"{base}/cases/{case_id}/plan/{plan.pk}/"
    shot(page, "casework-10-plan-agreed")

    page.goto(f"{base}/cases/{case_id}/protocol/")
    _assert_step_done(page, w.case, "plan_agreed")
    return plan


def _download(page, link_selector: str, name: str) -> str:
    """Download a PDF through its link; keep it beside the screenshots; its text."""
    with page.expect_download() as info:
        page.locator(link_selector).first.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF"), name
    download.save_as(SCREENSHOTS / name)
    return pdf_text(data)


def _pdfs(page, base: str, w, meeting: Meeting, plan: Plan) -> None:
    """5. The plan and the minutes as PDFs, with their Cyrillic text."""
    case_id = w.case.pk
    page.goto(f"{base}/cases/{case_id}/plan/{plan.pk}/")
    text = _download(page, f"a[href='/cases/{case_id}/plan/{plan.pk}/pdf/']", "casework-plan.pdf")
    assert "Георги" in text
    assert "посещава училище" in text

    page.goto(f"{base}/cases/{case_id}/meetings/{meeting.pk}/")
    text = _download(
        page, f"a[href='/cases/{case_id}/meetings/{meeting.pk}/minutes.pdf']", "casework-minutes.pdf"
    )
    assert "Екипът обсъди отсъствията" in text
    assert MOTHER in text
