"""The protocol as a picture: the layout, the definition pages and a case drawn on its protocols."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.core.testing import build_world, ctx_for
from zaedno.protocols.diagram import (
    ABSENT,
    artefact_words,
    case_progress,
    condition_words,
    deadline_words,
    layout,
    repeat_words,
    state_counts,
)
from zaedno.protocols.engine import artefact_record
from zaedno.protocols.queries import SHIPPED_DIR
from zaedno.protocols.services import protocol_load

SHIPPED = ["coordination_mechanism", "multisector", "social_service_support"]
OUTSIDERS = ["georgieva", "angelova", "admin"]


def shipped_body(code: str) -> dict:
    return yaml.safe_load((SHIPPED_DIR / f"{code}.yaml").read_text(encoding="utf-8"))


def step(code, starts_on, **extra):
    return {
        "code": code, "title": {"bg": f"Стъпка {code}", "en": f"Step {code}"}, "owner": "case_lead",
        "starts_on": starts_on, "deadline": {"days": 5}, "completed_by": "signal_checked", **extra,
    }  # fmt: skip


def body(*stages) -> dict:
    return {
        "code": "t",
        "version": 1,
        "stages": [
            {"code": code, "title": {"bg": code, "en": code}, "steps": steps} for code, steps in stages
        ],
    }


def placement(shape) -> dict[str, tuple[int, int]]:
    return {code: (box.row, box.lane) for code, box in shape.boxes.items()}


# --- the layout (no database) --------------------------------------------------------------------


def test_a_chain_is_one_straight_lane():
    shape = layout(shipped_body("multisector"))
    assert shape.lanes == 1
    assert [band.code for band in shape.bands] == [
        "signal", "team", "assessment", "planning", "implementation", "follow_up", "closure",
    ]  # fmt: skip
    assert [box.number for box in shape.boxes.values()][:4] == ["1.1", "2.1", "3.1", "3.2"]
    assert [box.row for box in shape.boxes.values()] == list(range(10))
    assert ("signal_checked", "team_formed") in shape.edges
    assert ("closure_decision", "closure_notified") in shape.edges
    team_row = shape.bands[1].rows[0]
    assert team_row.cells[0].connector == "line" and team_row.cells[0].adjacent
    assert [line.path for line in team_row.lines] == ["M50 0V10"]
    review = shape.boxes["plan_review"]
    assert review.event == "plan_agreed" and review.after is None
    assert shape.bands[4].rows[0].cells[0].connector == "event"


def test_steps_that_start_together_sit_side_by_side():
    shape = layout(shipped_body("coordination_mechanism"))
    assert shape.lanes == 2
    assert placement(shape) == {
        "institutions_informed": (0, 0),
        "signal_checked": (0, 1),
        "mdt_meeting": (1, 0),
        "crisis_intervention": (1, 1),
        "assessment_report": (2, 0),  # under the meeting it waits for
        "action_plan": (3, 0),
    }
    report_row = shape.bands[2].rows[0]
    assert [c.box.code if c.box else None for c in report_row.cells] == ["assessment_report", None]
    assert report_row.cells[0].parent.code == "mdt_meeting"
    assert [line.path for line in report_row.lines] == ["M25 0V10"]  # the centre of lane 1 of 2
    # Read row by row, the report comes after the crisis step, not the meeting: on a phone, where
    # the lanes stack, its arrow would point from the wrong box, so it is not "adjacent".
    assert not report_row.cells[0].adjacent
    assert shape.bands[2].rows[1].cells[0].adjacent
    assert shape.boxes["crisis_intervention"].optional
    social = layout(shipped_body("social_service_support"))
    assert social.lanes == 2 and placement(social) == {"needs_assessment": (0, 0), "support_plan": (0, 1)}


def test_lanes_lines_and_far_dependencies():
    shape = layout(
        body(
            ("a", [step("s1", "signal_received"), step("s2", "case_opened"), step("s3", "step_done:s2")]),
            ("b", [step("s4", "step_done:s1"), step("s5", "step_done:s3"), step("s7", "step_done:s3")]),
            # listed before the step it waits for, in the same stage
            ("c", [step("s9", "step_done:s8"), step("s8", "team_formed")]),
            # waiting for a step of a later stage
            ("d", [step("s10", "step_done:s11")]),
            ("e", [step("s11", "case_closed")]),
        )
    )
    assert placement(shape) == {
        "s1": (0, 0), "s2": (0, 1), "s3": (1, 1),  # s3 stays under s2
        "s4": (2, 0), "s5": (2, 1), "s7": (2, 2),  # s7 finds s3's lane taken
        "s8": (3, 0), "s9": (4, 0),
        "s10": (5, 0), "s11": (6, 0),
    }  # fmt: skip
    assert shape.lanes == 3
    rows = {row.index: row for band in shape.bands for row in band.rows}
    assert all(len(row.cells) == 3 for row in rows.values())
    assert [line.path for line in rows[1].lines] == ["M50 0V10"]  # the centre of lane 2 of 3
    # s4 waits for s1, two rows up: named in the connector, no line through the row between.
    s4 = rows[2].cells[0]
    assert (s4.connector, s4.parent.code) == ("far", "s1")
    assert [line.path for line in rows[2].lines] == ["M50 0V10", "M50 0C50 6 83.3333 4 83.3333 10"]
    assert rows[5].cells[0].connector == "far"  # s10: its step is further down
    assert shape.boxes["s10"].after_number == "5.1"
    assert [row.index for row in shape.bands[2].rows] == [3, 4]


def test_every_shipped_step_is_placed_once():
    for code in SHIPPED:
        shape = layout(shipped_body(code))
        placed = [c.box.code for band in shape.bands for row in band.rows for c in row.cells if c.box]
        assert sorted(placed) == sorted(s["code"] for st in shipped_body(code)["stages"] for s in st["steps"])
        for parent, child in shape.edges:
            assert shape.boxes[parent].row < shape.boxes[child].row


def test_words():
    with translation.override("en"):
        assert deadline_words({"hours": 1}) == "within 1 hour"
        assert deadline_words({"hours": 24}) == "within 24 hours"
        assert deadline_words({"working_days": 5}) == "within 5 working days"
        assert deadline_words({"days": 20}) == "within 20 days"
        assert repeat_words({"days": 90}) == "every 90 days"
        assert artefact_words("meeting_held[case_conference]") == "meeting held (case conference)"
        assert artefact_words("signal_checked") == "signal check recorded"
        assert condition_words({"signal_category": ["violence", "neglect"]}) == (
            "the signal is about: violence, neglect"
        )
        box = layout(shipped_body("multisector")).boxes["plan_review"]
        assert (box.owner_label, box.event_label, box.repeat_label, box.ends_on_label) == (
            "the case lead", "plan agreed", "every 90 days", "long-term follow-up started",
        )  # fmt: skip
        assert box.title == "Regular plan review"
    with translation.override("bg"):
        assert layout(shipped_body("multisector")).boxes["plan_review"].title == "Редовен преглед на плана"


def test_case_progress_takes_the_latest_occurrence_and_counts_absent_steps():
    def fake(code, occurrence, state, position=0):
        return SimpleNamespace(
            step_code=code, occurrence=occurrence, position=position, compliance=lambda now: state
        )

    progress = case_progress(
        [
            fake("review", 2, "on_track", 1),
            fake("review", 1, "done_late", 1),
            fake("check", 1, "done_on_time"),
        ],
        None,
    )
    review = progress["review"]
    assert review.state == "on_track" and review.repeats
    assert [(o.number, o.total, o.state) for o in review.occurrences] == [
        (1, 2, "done_late"),
        (2, 2, "on_track"),
    ]
    boxes = [SimpleNamespace(code=c) for c in ("check", "review", "crisis")]
    assert {c["state"]: c["count"] for c in state_counts(progress, boxes)} == {
        "done_on_time": 1, "on_track": 1, ABSENT: 1,
    }  # fmt: skip


# --- the definition pages -------------------------------------------------------------------------


@pytest.fixture
def people(protocols):
    return build_world(with_case=False)


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/protocols/", "/protocols/multisector/", "/protocols/multisector/v1/", "/cases/1/protocol/diagram/"],
)
def test_pages_need_login(client, protocols, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_list_shows_every_protocol_to_any_professional(client, people):
    response = english(client, people.angelova).get(reverse("protocols:list"))
    assert response.status_code == 200
    page = response.content.decode()
    for code in SHIPPED:
        assert reverse("protocols:diagram", args=[code]) in page
        assert reverse("protocols:diagram_version", args=[code, shipped_body(code)["version"]]) in page
        assert shipped_body(code)["title"]["en"] in page
    assert "7 stages, 10 steps" in page and "3 stages, 6 steps" in page
    assert "shipped with Zaedno" in page
    assert "only when the signal is about: violence" in page


DEADLINES = {
    "coordination_mechanism": ["within 1 hour", "within 24 hours", "within 20 days", "within 5 working days"],
    "multisector": [
        "within 7 days",
        "within 10 working days",
        "within 90 days",
        "every 90 days",
        "within 180 days",
    ],
    "social_service_support": ["within 20 days"],
}
OWNER_WORDS = {
    "coordination_mechanism": ["institution that received the signal", "Child Protection Department (ОЗД)"],
    "multisector": ["The case lead", "The whole team around the child"],
    "social_service_support": ["Social service provider"],
}


@pytest.mark.parametrize("code", SHIPPED)
def test_diagram_of_each_shipped_protocol(client, people, code):
    response = english(client, people.petrov).get(reverse("protocols:diagram", args=[code]))
    assert response.status_code == 200
    page = response.content.decode()
    definition = shipped_body(code)
    assert definition["title"]["en"] in page
    for stage in definition["stages"]:
        assert stage["title"]["en"] in page
        for s in stage["steps"]:
            assert s["title"]["en"] in page
            assert f'data-step="{s["code"]}"' in page
    for words in DEADLINES[code] + OWNER_WORDS[code]:
        assert words in page
    assert "How to read the diagram" in page
    assert 'class="pd-event"' in page  # the event that starts the first clock
    assert "data-state" not in page  # reference data: no case on it


def test_diagram_specifics(client, people):
    page = english(client, people.petrov).get(reverse("protocols:diagram", args=["coordination_mechanism"]))
    page = page.content.decode()
    assert "optional" in page and "need for crisis intervention identified" in page
    assert "after: 2.1 Multidisciplinary team meeting" in page
    assert "notification sent (to the other institutions)" in page
    assert '<path d="M25 0V10"/>' in page
    page = client.get(reverse("protocols:diagram", args=["multisector"])).content.decode()
    assert "repeats every 90 days" in page and "(until: long-term follow-up started)" in page


def test_diagram_is_bulgarian_by_default(client, people):
    client.force_login(people.petrov)
    page = client.get(reverse("protocols:diagram", args=["multisector"])).content.decode()
    assert "Конференция по случая за мултисекторна оценка" in page
    assert "Multisector assessment case conference" not in page


@pytest.mark.parametrize(
    "url", ["/protocols/nothing/", "/protocols/multisector/v4/", "/protocols/multisector/v0/"]
)
def test_unknown_protocol_or_version_is_404(client, people, url):
    assert english(client, people.petrov).get(url).status_code == 404


def multisector_next() -> str:
    """The shipped multisector definition (version 3) as a version 4 with a renamed step and a
    shorter term."""
    source = (SHIPPED_DIR / "multisector.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("version: 3", "version: 4"),
        ("en: Signal checked}", "en: Signal checked within the new local term}"),
        ("deadline: {days: 7}", "deadline: {days: 3}"),
    ]:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    return source


def test_version_page_shows_the_old_version(client, people):
    protocol_load(ctx=ctx_for(people.admin), text=multisector_next(), source_name="multisector.yaml")
    english(client, people.petrov)
    current = client.get(reverse("protocols:diagram", args=["multisector"])).content.decode()
    assert "Signal checked within the new local term" in current and "within 3 days" in current
    assert "This is version" not in current
    old = client.get(reverse("protocols:diagram_version", args=["multisector", 3])).content.decode()
    assert "Signal checked within the new local term" not in old and "within 7 days" in old
    assert "This is version 3; the current version is 4." in old
    listing = client.get(reverse("protocols:list")).content.decode()
    assert reverse("protocols:diagram_version", args=["multisector", 4]) in listing
    assert "local version" in listing  # loaded from text, not shipped


# --- a case on the diagram ------------------------------------------------------------------------


@pytest.fixture
def w(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)  # Wednesday; the signal came at 09:00
    return build_world()


def case_url(w):
    return reverse("protocols:case_diagram", args=[w.case.pk])


def box_html(page: str, protocol: str, step_code: str) -> str:
    """The HTML of one step's box in one protocol's section of the case diagram."""
    section = page.split(f'data-protocol="{protocol}"', 1)[1].split('class="pd-protocol"', 1)[0]
    return section.split(f'data-step="{step_code}"', 1)[1].split("</article>", 1)[0]


def test_member_sees_each_step_in_its_state(client, w):
    artefact_record(ctx=ctx_for(w.ivanova), case=w.case, artefact="signal_checked")
    response = english(client, w.petrov).get(case_url(w))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-protocol="coordination_mechanism"' in page and 'data-protocol="multisector"' in page
    # The department recorded at 11:00 the call of 09:00: the routing informed the others late.
    informed = box_html(page, "coordination_mechanism", "institutions_informed")
    assert 'data-state="done_late"' in informed and "done late" in informed
    assert "Мария Иванова" in informed and "ОЗД Велико Търново" in informed
    assert "due 20.05.2026 10:00" in informed  # a 1-hour term: to the minute
    checked = box_html(page, "coordination_mechanism", "signal_checked")
    assert 'data-state="done_on_time"' in checked and "done on time" in checked
    assert "done 20.05.2026 11:00" in checked
    assert 'data-state="on_track"' in box_html(page, "coordination_mechanism", "mdt_meeting")
    assert 'data-state="waiting"' in box_html(page, "coordination_mechanism", "crisis_intervention")
    team = box_html(page, "multisector", "team_formed")
    assert 'data-state="on_track"' in team and "due 28.05.2026" in team  # 5 working days; 25 May is a holiday
    assert 'data-state="waiting"' in box_html(page, "multisector", "plan_review")
    assert "not started yet" in box_html(page, "multisector", "plan_review")
    assert reverse("protocols:case", args=[w.case.pk]) in page
    assert reverse("cases:detail", args=[w.case.pk]) in page
    assert "Where each step stands on this case" in page


def test_due_soon_and_done_late(client, w, clock):
    clock.set(2026, 5, 20, 21, 30)  # the 24-hour steps are due tomorrow at 09:00: reminded at 21:00
    page = english(client, w.ivanova).get(case_url(w)).content.decode()
    assert 'data-state="due_soon"' in box_html(page, "coordination_mechanism", "mdt_meeting")
    artefact_record(ctx=ctx_for(w.ivanova), case=w.case, artefact="notification_sent", kind="institutions")
    page = client.get(case_url(w)).content.decode()
    assert 'data-state="done_late"' in box_html(page, "coordination_mechanism", "institutions_informed")


def test_repeating_review_shows_its_occurrences(client, w, clock):
    ctx = ctx_for(w.ivanova)
    for artefact, kind in [
        ("signal_checked", ""), ("team_formed", ""), ("meeting_held", "case_conference"),
        ("assessment_done", "multisector"), ("formulation_agreed", ""), ("plan_agreed", "case_plan"),
    ]:  # fmt: skip
        clock.advance(days=1)
        artefact_record(ctx=ctx, case=w.case, artefact=artefact, kind=kind)
    clock.advance(days=30)
    artefact_record(ctx=ctx, case=w.case, artefact="review_held", kind="plan")  # on time
    clock.advance(days=100)
    artefact_record(ctx=ctx, case=w.case, artefact="review_held", kind="plan")  # 10 days late
    page = english(client, w.ivanova).get(case_url(w)).content.decode()
    review = box_html(page, "multisector", "plan_review")
    assert 'data-state="on_track"' in review  # the third review, open now
    assert "1 of 3: <strong>done on time</strong>" in review
    assert "2 of 3: <strong>done late</strong>" in review
    assert "3 of 3: <strong>on track</strong>" in review
    assert 'data-state="done_on_time"' in box_html(page, "multisector", "plan_agreed")


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_and_leave_no_read(client, w, name):
    user = getattr(w, name)
    client.force_login(user)
    assert client.get(case_url(w)).status_code == 404
    assert client.get(reverse("protocols:case_diagram", args=[999999])).status_code == 404
    assert not AuditEvent.objects.filter(actor_id=user.pk, kind=AuditKind.READ).exists()


def test_the_read_is_audited(client, w):
    client.force_login(w.petrov)
    client.get(case_url(w))
    event = AuditEvent.objects.get(action="case.protocol_diagram.view", actor_id=w.petrov.pk)
    assert (event.kind, event.case_id, event.details["via"]) == (AuditKind.READ, w.case.pk, "member")


def test_case_on_its_version_still_shows_it_after_a_new_one_is_loaded(client, w):
    protocol_load(ctx=ctx_for(w.admin), text=multisector_next(), source_name="multisector.yaml")
    page = english(client, w.ivanova).get(case_url(w)).content.decode()
    section = page.split('data-protocol="multisector"', 1)[1]
    assert section.startswith(' data-version="3"')
    assert "version 3; current is 4" in section
    assert "Signal checked within the new local term" not in page
    assert "within 7 days" in box_html(page, "multisector", "signal_checked")
    assert reverse("protocols:diagram_version", args=["multisector", 3]) in page
    # The Coordination Mechanism has no newer version: no note.
    cm = page.split('data-protocol="coordination_mechanism"', 1)[1].split('data-protocol="multisector"', 1)[0]
    assert "current is" not in cm


def test_case_without_protocols(client, world):
    # No protocol loaded when the case opened: nothing to draw, and the page says so.
    page = english(client, world.ivanova).get(case_url(world)).content.decode()
    assert "This case follows no protocol yet." in page and "pd-protocol" not in page


def test_query_budget(client, w, clock):
    """A fixed number of queries, however many steps and occurrences the case has."""
    client.force_login(w.ivanova)
    client.get(case_url(w))  # warm the session and the language

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(case_url(w)).status_code == 200
        return len(captured)

    few = queries()
    ctx = ctx_for(w.ivanova)
    for artefact, kind in [
        ("signal_checked", ""), ("team_formed", ""), ("meeting_held", "case_conference"),
        ("assessment_done", "multisector"), ("formulation_agreed", ""), ("plan_agreed", "case_plan"),
        ("review_held", "plan"), ("review_held", "plan"), ("meeting_held", "multidisciplinary_team"),
    ]:  # fmt: skip
        clock.advance(days=1)
        artefact_record(ctx=ctx, case=w.case, artefact=artefact, kind=kind)
    client.force_login(w.ivanova)  # the session timed out meanwhile
    client.get(case_url(w))
    assert queries() == few <= 15


@pytest.mark.django_db
def test_condition_words_name_the_municipality():
    from zaedno.protocols.diagram import condition_words

    assert "Велико Търново" in condition_words({"municipality": ["VTR04"]})
