"""A canary child: nothing of the child's name or of free text from the case reaches an e-mail.

E-mails are read on phones and shared computers and kept by mail servers outside Zaedno's
control; docs/security.md promises they carry only a case number, a date and a link. The child
is named like a canary ("Канарчо Тестов") and every free text typed in the scenario names them
too; if the canary shows up in an e-mail's subject or text, something leaks.

What is covered (see the report of issue 13): the e-mail path of every notification kind the code
sends (a notification's free ``body`` never goes out by e-mail); the kinds are found in the source
so a new kind cannot be forgotten; and a scenario with a canary child that sends real
notifications (signal, case lead, team, emergency access, join request) through the services.
There is no push channel yet; when one comes, it must read from the same e-mail-safe text.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.cases.services import break_glass_open, team_member_add
from zaedno.children.duplicates import DuplicateQuery
from zaedno.children.services import child_register, duplicate_check
from zaedno.core.testing import ctx_for, open_case
from zaedno.join_requests.services import join_request_send
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notification_send, office_email_send
from zaedno.notifications.tasks import notification_email
from zaedno.places.models import Settlement
from zaedno.signals.services import SignalInput, signal_record

pytestmark = pytest.mark.django_db

CANARY_FIRST, CANARY_LAST = "Канарчо", "Тестов"
CANARY = ("Канарчо", "Тестов", "Kanarcho", "Testov")

ROOT = Path(__file__).resolve().parents[2]

# Every kind of notification the code sends. Kinds built at run time (scans: ``protocol.<phase>``,
# ``decision.<phase>``, ``signal.<phase>_overdue``) are listed by their phases.
KINDS = [
    "assessment.started",
    "access.probe",
    "case.assigned",
    "case.break_glass",
    "case.lead",
    "child.merged",
    "decision.assigned",
    "decision.due_change",
    "decision.overdue",
    "decision.remind",
    "episode.move",
    "episode.move_plan",
    "join_request.accepted",
    "join_request.declined",
    "join_request.received",
    "meeting.cancelled",
    "meeting.confirm",
    "meeting.invited",
    "meeting.moved",
    "plan.confirm",
    "plan.followup",
    "plan.followup.concern",
    "protocol.due",
    "protocol.escalate",
    "protocol.remind",
    "referral.answered",
    "referral.overdue",
    "referral.received",
    "referral.withdrawn",
    "resources.stale",
    "signal.assign_overdue",
    "signal.assigned",
    "signal.attached",
    "signal.check_overdue",
    "signal.decided",
    "signal.received",
    "team.added",
]

SENDERS = {"notification_send", "office_email_send", "Notification", "_notify_teams", "_notify"}


def kinds_in_source() -> set[str]:
    """The literal ``kind=`` of every call that makes a notification, anywhere in the code."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in SENDERS and not (name or "").startswith("_notify"):
                    continue
                for kw in node.keywords:
                    if kw.arg == "kind" and isinstance(kw.value, ast.Constant) and "." in str(kw.value.value):
                        found.add(kw.value.value)
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("_notify"):
                for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True):
                    if arg.arg == "kind" and isinstance(default, ast.Constant):
                        found.add(default.value)
    return found


def assert_no_canary(*texts: str) -> None:
    for text in texts:
        for word in CANARY:
            assert word not in text, f"the canary {word!r} leaks into: {text[:300]!r}"


def test_every_kind_in_the_code_is_covered():
    missing = kinds_in_source() - set(KINDS)
    assert not missing, f"new notification kinds: add them to KINDS (and check their texts): {missing}"


@pytest.mark.parametrize("kind", KINDS)
def test_the_email_of_every_kind_carries_no_free_text(world, kind, mailoutbox):
    """Whatever a notification's body says in the app, its e-mail has the title and a link only."""
    n = Notification.objects.create(
        user=world.ivanova,
        kind=kind,
        title=f"Известие по случай {world.case.number}",
        body=f"{CANARY_FIRST} {CANARY_LAST} каза на учителката, че пастрокът го бие.",
        url=f"/cases/{world.case.pk}/",
        case_id=world.case.pk,
    )
    assert notification_email.call(n.pk)
    [mail] = mailoutbox
    assert_no_canary(mail.subject, mail.body)
    assert world.case.number in mail.subject
    assert f"/cases/{world.case.pk}/" in mail.body


def test_a_body_sent_through_the_service_stays_in_the_app(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = notification_send(
            user=world.ivanova, kind="case.lead", title="Case %(number)s", params={"number": world.case.number},
            body=f"{CANARY_FIRST} — свободен текст", case_id=world.case.pk, url="/cases/1/",
        )  # fmt: skip
    assert CANARY_FIRST in n.body  # readable after signing in
    [mail] = mailoutbox
    assert_no_canary(mail.subject, mail.body)


def test_office_email_carries_no_free_text(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        office_email_send(address="office@example.org", title="Signal %(number)s", params={"number": "S-1"},
                          body=f"{CANARY_FIRST} {CANARY_LAST}", path="/signals/1/")  # fmt: skip
    [mail] = mailoutbox
    assert "S-1" in mail.subject
    assert_no_canary(mail.subject, mail.body)


def test_a_canary_child_appears_in_no_email_of_the_scenario(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """Real services with a canary child and canary free text: no e-mail and no notification
    title (the e-mail's subject) names the child."""
    with django_capture_on_commit_callbacks(execute=True):
        child = child_register(
            ctx=ctx_for(world.ivanova), first_name=CANARY_FIRST, last_name=CANARY_LAST,
            birth_date=dt.date(2013, 6, 1), sex="m",
        )  # fmt: skip
        case = open_case(world, child, description=f"{CANARY_FIRST} {CANARY_LAST} е бит от пастрока си.")
    with django_capture_on_commit_callbacks(execute=True):
        signal_record(
            ctx=ctx_for(world.petrov),
            data=SignalInput(
                category="violence", description=f"{CANARY_FIRST} сподели, че пастрокът го бие с колан.",
                child_first_name=CANARY_FIRST, child_last_name=CANARY_LAST, child_age=13,
                child_settlement=Settlement.objects.get(ekatte="10447"),
            ),
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        team_member_add(
            ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, case), user=world.petrov,
            organisation=world.school, sharing_level=Sensitivity.STANDARD,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        break_glass_open(
            ctx=ctx_for(world.georgieva), case=case,
            reason=f"{CANARY_FIRST} {CANARY_LAST} е задържан през нощта; твърди, че го бият вкъщи.",
        )  # fmt: skip
    duplicate_check(
        ctx=ctx_for(world.angelova),
        query=DuplicateQuery(first_name=CANARY_FIRST, last_name=CANARY_LAST, birth_date=child.birth_date),
    )
    with django_capture_on_commit_callbacks(execute=True):
        join_request_send(
            ctx=ctx_for(world.angelova), child_id=child.pk, organisation=world.school_go,
            message=f"{CANARY_FIRST} {CANARY_LAST} се премести в нашето училище.",
            child_label=f"{CANARY_FIRST} {CANARY_LAST}, 01.06.2013",
        )  # fmt: skip
    kinds = {n.kind for n in Notification.objects.all()}
    assert {"signal.received", "team.added", "case.break_glass", "join_request.received"} <= kinds, kinds
    assert mailoutbox, "the scenario sends e-mails"
    for n in Notification.objects.all():
        assert_no_canary(n.title)
    for mail in mailoutbox:
        assert_no_canary(mail.subject, mail.body)


def test_the_lead_is_told_there_is_a_reason_to_read_in_zaedno(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    reason = f"{CANARY_FIRST} {CANARY_LAST} е задържан през нощта; търсим близките му."
    with django_capture_on_commit_callbacks(execute=True):
        break_glass_open(ctx=ctx_for(world.georgieva), case=world.case, reason=reason)
    n = world.ivanova.notifications.get(kind="case.break_glass")
    assert_no_canary(n.title, n.body)
    assert n.body  # the in-app notice says a reason waits to be read in Zaedno
    [mail] = [m for m in mailoutbox if m.to == ["ivanova@example.org"]]
    assert world.case.number in mail.subject
    assert_no_canary(mail.subject, mail.body)
