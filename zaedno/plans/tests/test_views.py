"""The plan pages: the journey through the web forms, 404 for outsiders everywhere, the charts,
the PDF, "my work", and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.access import access_for
from zaedno.core.testing import build_world, ctx_for
from zaedno.documents.testing import pdf_text
from zaedno.plans import services
from zaedno.plans.models import (
    Action,
    ActionStatus,
    CheckInStatus,
    FollowUpCheckIn,
    Measure,
    Plan,
    PlanStatus,
)
from zaedno.plans.services import MeasureData
from zaedno.plans.tests.helpers import CHILD_WORDS, agreed_plan, meeting
from zaedno.protocols.models import CaseArtefact

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def html(response) -> str:
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def test_no_plan_yet_offers_to_start(world, client):
    login(client, world.ivanova)
    r = client.get(reverse("plans:case", args=[world.case.pk]))
    assert r.status_code == 200
    assert f'action="/cases/{world.case.pk}/plan/start/"' in html(r)


def _formset_post(plan, *, goals, waymarks, actions, version):
    data = {
        "purpose": "Георги да е в безопасност.", "child_words": CHILD_WORDS, "parents_words": "Ще помагаме.",
        "next_review_on": "", "version": str(version),
    }  # fmt: skip
    for prefix, rows in (("goals", goals), ("waymarks", waymarks), ("actions", actions)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


def test_journey_through_the_pages(world, client):
    """Start, write, agree (refused without a meeting), confirm, review, update an action, new version."""
    case = world.case
    login(client, world.ivanova)
    r = client.post(reverse("plans:start", args=[case.pk]), {"kind": "case_plan"})
    plan = Plan.objects.get(case=case)
    assert r.status_code == 302 and r.url == reverse("plans:edit", args=[case.pk, plan.pk])
    assert client.get(r.url).status_code == 200

    data = _formset_post(
        plan,
        goals=[{"domain": "education", "text": "Георги ходи редовно на училище."}, {"domain": "", "text": ""}],
        waymarks=[{"goal": "1", "text": "Без отсъствия две седмици", "target_on": "2026-06-05"}],
        actions=[
            {"goal": "1", "text": "Седмична среща с психолога", "who_kind": "professional",
             "who_user": str(world.petrov.pk), "due_on": "2026-05-27", "status": "planned"},
            {"goal": "", "text": "Тренировки по футбол", "who_kind": "community", "who_name": "ФК „Етър“",
             "status": "planned"},
        ],
        version=plan.version,
    )  # fmt: skip
    r = client.post(reverse("plans:edit", args=[case.pk, plan.pk]), data)
    assert r.status_code == 302, html(r)
    plan.refresh_from_db()
    assert plan.goals.count() == 1 and plan.actions.count() == 2
    assert plan.goals.get().waymarks.get().target_on == dt.date(2026, 6, 5)

    # A stale save (the old version) is a conflict, nothing saved.
    r = client.post(reverse("plans:edit", args=[case.pk, plan.pk]), {**data, "goals-0-text": "Друго"})
    assert r.status_code == 409
    assert plan.goals.get().text == "Георги ходи редовно на училище."

    # Agreeing without a meeting: refused in plain words.
    r = client.post(reverse("plans:agree", args=[case.pk, plan.pk]), {"meeting": "", "version": plan.version})
    assert r.status_code == 200
    assert "A plan is agreed at a meeting of the team" in html(r) or "среща на екипа" in html(r)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    held = meeting(world)
    r = client.post(
        reverse("plans:agree", args=[case.pk, plan.pk]), {"meeting": held.pk, "version": plan.version}
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert CaseArtefact.objects.filter(case=case, artefact="plan_agreed", object_id=str(plan.pk)).exists()

    # The school psychologist confirms it.
    client.force_login(world.petrov)
    page = html(client.get(reverse("plans:case", args=[case.pk])))
    assert reverse("plans:confirm", args=[case.pk, plan.pk]) in page
    assert CHILD_WORDS in page and "Седмична среща с психолога" in page and "ФК „Етър“" in page
    client.post(reverse("plans:confirm", args=[case.pk, plan.pk]))
    page = html(client.get(reverse("plans:case", args=[case.pk])))
    assert reverse("plans:confirm", args=[case.pk, plan.pk]) not in page

    # He marks his action in progress.
    action = plan.actions.get(who_user=world.petrov)
    r = client.post(
        reverse("plans:action_status", args=[case.pk, plan.pk, action.pk]),
        {"status": "in_progress", "reason": "", "version": action.version},
    )
    assert r.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS

    # The lead records a review with measures through the form.
    client.force_login(world.ivanova)
    goal = plan.goals.get()
    assert client.get(reverse("plans:review", args=[case.pk, plan.pk])).status_code == 200
    r = client.post(
        reverse("plans:review", args=[case.pk, plan.pk]),
        {
            "held_on": "2026-05-20", "meeting": held.pk, "summary": "Напредък в училище.",
            f"progress_{goal.pk}": "progressing", f"note_{goal.pk}": "",
            "value_safety_scale": "5", "source_safety_scale": "екипът", "value_school_attendance": "80",
        },
    )  # fmt: skip
    assert r.status_code == 302, html(r)
    assert plan.reviews.count() == 1 and plan.reviews.get().measurements.count() == 2

    # A new version, edited and agreed: v1 is superseded and still readable.
    r = client.post(reverse("plans:new_version", args=[case.pk, plan.pk]))
    v2 = Plan.objects.get(case=case, number=2)
    assert r.url == reverse("plans:edit", args=[case.pk, v2.pk])
    client.post(reverse("plans:agree", args=[case.pk, v2.pk]), {"meeting": held.pk, "version": v2.version})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    r = client.get(reverse("plans:detail", args=[case.pk, plan.pk]))
    assert r.status_code == 200 and "Георги ходи редовно на училище." in html(r)
    assert "alert-warning" in html(r)


def test_charts_show_each_measure_over_time(world, client, clock, monkeypatch):
    plan = agreed_plan(world)
    ctx, access = ctx_for(world.ivanova), access_for(world.ivanova, world.case)
    for day, safety, attendance in ((dt.date(2026, 5, 20), 3, 55), (dt.date(2026, 8, 20), 6, 78)):
        clock.set(day.year, day.month, day.day, 12, 0)
        services.plan_review_record(
            ctx=ctx, access=access, plan=plan, held_on=day, summary="Преглед",
            measures=[MeasureData(Measure.SAFETY_SCALE, safety), MeasureData(Measure.SCHOOL_ATTENDANCE, attendance)],
        )  # fmt: skip
    # The safety maps' ratings (the tools app's contract) join the safety-scale chart, marked.
    monkeypatch.setattr(
        "zaedno.tools.queries.safety_scale_series",
        lambda access: [(dt.date(2026, 7, 1), 5.5, {"Мария Иванова": 5, "Петър Петров": 6})],
    )
    login(client, world.ivanova)
    page = html(client.get(reverse("plans:case", args=[world.case.pk])))
    charts = re.findall(r'<svg class="outcome-chart".*?</svg>', page, re.S)
    assert len(charts) == 2
    safety = next(c for c in charts if 'data-value="3"' in c)
    assert re.findall(r'<circle class="point review"[^>]*data-value="([\d.]+)"', safety) == ["3", "6"]
    assert re.findall(r'<rect class="point safety-map"[^>]*data-value="([\d.]+)"', safety) == ["5.5"]
    assert 'data-date="2026-07-01"' in safety
    attendance = next(c for c in charts if 'data-value="55"' in c)
    assert 'data-value="78"' in attendance


def test_pdf_and_print_page_in_bulgarian(world, client):
    plan = agreed_plan(world)
    login(client, world.ivanova)
    r = client.get(reverse("plans:print", args=[world.case.pk, plan.pk]))
    assert r.status_code == 200 and CHILD_WORDS in html(r)
    r = client.get(reverse("plans:pdf", args=[world.case.pk, plan.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "Георги" in text and "Петър Петров" in text
    assert "Иска" in text  # the child's own words


def test_follow_up_overdue_in_my_work_then_done(world, client, clock):
    login(client, world.ivanova)
    r = client.post(
        reverse("plans:followup_schedule", args=[world.case.pk]),
        {"first_on": "2026-08-20", "every_months": "3", "count": "4", "responsible": world.petrov.pk},
    )
    assert r.status_code == 302
    checkin = FollowUpCheckIn.objects.filter(case=world.case).order_by("due_on").first()
    assert checkin.due_on == dt.date(2026, 8, 20)

    client.force_login(world.petrov)
    assert reverse("plans:followup_done", args=[world.case.pk, checkin.pk]) not in html(client.get("/work/"))
    clock.set(2026, 8, 24, 9, 0)
    client.force_login(world.petrov)  # a new day, a new session
    page = html(client.get("/work/"))
    assert reverse("plans:followup_done", args=[world.case.pk, checkin.pk]) in page
    assert "20.08.2026" in page and "state-overdue" in page
    # Not in someone else's work.
    client.force_login(world.nikolova)
    assert reverse("plans:followup_done", args=[world.case.pk, checkin.pk]) not in html(client.get("/work/"))

    client.force_login(world.petrov)
    r = client.post(
        reverse("plans:followup_done", args=[world.case.pk, checkin.pk]),
        {"done_on": "2026-08-24", "child_status": "Георги е добре.", "concern": "", "next_due_on": "",
         "version": checkin.version},
    )  # fmt: skip
    assert r.status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.DONE
    assert CaseArtefact.objects.filter(case=world.case, artefact="review_held", kind="follow_up").exists()
    assert reverse("plans:followup_done", args=[world.case.pk, checkin.pk]) not in html(client.get("/work/"))


def test_overdue_action_in_my_work(world, client, clock):
    plan = agreed_plan(world)
    action = plan.actions.filter(who_user=world.petrov).order_by("due_on").first()
    clock.set(2026, 7, 1, 9, 0)
    client.force_login(world.petrov)
    page = html(client.get("/work/"))
    assert f"#action-{action.pk}" in page and "state-overdue" in page
    services.action_status_set(
        ctx=ctx_for(world.petrov), access=access_for(world.petrov, world.case), action=action,
        status=ActionStatus.DONE,
    )  # fmt: skip
    assert f"#action-{action.pk}" not in html(client.get("/work/"))


def test_work_panel_query_count_does_not_grow(world, clock, django_assert_max_num_queries):
    from zaedno.plans.panels import work_panel

    agreed_plan(world, goals=1, actions_per_goal=1)
    clock.set(2026, 12, 1, 9, 0)
    with CaptureQueriesContext(connection) as few:
        panel = work_panel(world.petrov, clock.at)
    n_few = len(panel["actions"])
    Action.objects.filter(plan__case=world.case).update(who_kind="professional", who_user=world.petrov)
    plan = Plan.objects.get(case=world.case)
    Action.objects.bulk_create(
        Action(plan=plan, text=f"Дейност {i}", who_kind="professional", who_user=world.petrov,
               due_on=dt.date(2026, 6, 1))
        for i in range(30)
    )  # fmt: skip
    with django_assert_max_num_queries(len(few)):
        panel = work_panel(world.petrov, clock.at)
    assert len(panel["actions"]) > n_few + 25


def test_plan_page_query_count_is_bounded(world, client, clock):
    def count_for():
        login(client, world.ivanova)
        with CaptureQueriesContext(connection) as q:
            r = client.get(reverse("plans:case", args=[world.case.pk]))
        assert r.status_code == 200
        return len(q)

    plan = agreed_plan(world, goals=1, actions_per_goal=1)
    ctx, access = ctx_for(world.ivanova), access_for(world.ivanova, world.case)
    services.plan_review_record(ctx=ctx, access=access, plan=plan, held_on=dt.date(2026, 5, 20), summary="Първи",
                                measures=[MeasureData(Measure.SAFETY_SCALE, 4)])  # fmt: skip
    small = count_for()
    # Many more goals, waymarks, actions, reviews and measures: the same number of queries.
    v2 = services.plan_start(ctx=ctx, access=access)
    from zaedno.plans.tests.helpers import content

    services.plan_draft_save(
        ctx=ctx,
        access=access,
        plan=v2,
        expected_version=v2.version,
        content=content(world, goals=7, actions_per_goal=4),
    )
    v2.refresh_from_db()
    v2 = services.plan_agree(ctx=ctx, access=access, plan=v2, meeting=meeting(world))
    progress = {g.pk: ("progressing", "бележка") for g in v2.goals.all()}
    for i in range(6):
        services.plan_review_record(
            ctx=ctx, access=access, plan=v2, held_on=dt.date(2026, 5, 10 + i), summary=f"Преглед {i}", progress=progress,
            measures=[MeasureData(m, 5) for m in Measure.values],
        )  # fmt: skip
    big = count_for()
    assert big <= small + 1, (small, big)
    assert big < 40


# --- outsiders --------------------------------------------------------------------------------------


def _urls(world, plan, action, checkin):
    c = world.case.pk
    return [
        reverse("plans:case", args=[c]),
        reverse("plans:start", args=[c]),
        reverse("plans:detail", args=[c, plan.pk]),
        reverse("plans:edit", args=[c, plan.pk]),
        reverse("plans:new_version", args=[c, plan.pk]),
        reverse("plans:agree", args=[c, plan.pk]),
        reverse("plans:confirm", args=[c, plan.pk]),
        reverse("plans:review", args=[c, plan.pk]),
        reverse("plans:action_status", args=[c, plan.pk, action.pk]),
        reverse("plans:print", args=[c, plan.pk]),
        reverse("plans:pdf", args=[c, plan.pk]),
        reverse("plans:followup_schedule", args=[c]),
        reverse("plans:followup_done", args=[c, checkin.pk]),
    ]


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_page(world, client, name):
    plan = agreed_plan(world)
    checkin = services.followup_schedule(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), first_on=dt.date(2026, 8, 20),
        responsible=world.petrov,
    )[0]  # fmt: skip
    action = plan.actions.first()
    login(client, getattr(world, name))
    before = AuditEvent.objects.exclude(kind=AuditKind.DENIED).count()
    for url in _urls(world, plan, action, checkin):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"kind": "case_plan"}).status_code == 404, url
        # A missing case answers the same.
        missing = url.replace(f"/cases/{world.case.pk}/", "/cases/999999/", 1)
        assert client.get(missing).status_code in (404, 405)
    # Nothing but the refusals on record (issue 13, item 4).
    assert AuditEvent.objects.exclude(kind=AuditKind.DENIED).count() == before
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and Plan.objects.filter(case=world.case).count() == 1


def test_another_cases_plan_is_404(world, client):
    from zaedno.core.testing import open_case

    plan = agreed_plan(world)
    other = open_case(world, world.child)
    login(client, world.ivanova)
    assert client.get(reverse("plans:detail", args=[other.pk, plan.pk])).status_code == 404
    assert client.get(reverse("plans:pdf", args=[other.pk, plan.pk])).status_code == 404


def test_case_page_and_documents_show_the_plan(world, client):
    plan = agreed_plan(world)
    login(client, world.ivanova)
    page = html(client.get(reverse("cases:detail", args=[world.case.pk])))
    assert reverse("plans:case", args=[world.case.pk]) in page and plan.label in page
    from zaedno.plans.panels import documents

    docs = documents(access_for(world.ivanova, world.case))
    assert [d["pdf_url"] for d in docs] == [reverse("plans:pdf", args=[world.case.pk, plan.pk])]
