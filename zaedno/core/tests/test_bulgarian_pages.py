"""The main pages, rendered in Bulgarian, show Bulgarian (issue 12, item 14).

Each page the browser suite walks (and the other main pages of the case, the child, signals,
referrals, join requests, resources, "my work") is rendered for the personas who use it, with a
case that has a signal, an assessment, an agreed plan with its meeting, every discussion tool and a
referral. A page fails when it shows a string of the catalogue in English where the catalogue has
Bulgarian (a msgid left untranslated by a template or by code that joined translated parts), or a
raw audit code (``tool.view``) instead of words.
"""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from zaedno.assessments import services as assessment_services
from zaedno.assessments.services import EntryData
from zaedno.audit.labels import ACTION_LABELS
from zaedno.cases.access import access_for
from zaedno.core.testing import build_world, ctx_for
from zaedno.plans.tests.helpers import agreed_plan
from zaedno.referrals import services as referral_services
from zaedno.referrals.models import LegalBasis, SharedSection, Urgency
from zaedno.referrals.tests.conftest import make_service
from zaedno.signals.models import Signal
from zaedno.tools.models import ToolDocument, ToolKind
from zaedno.tools.tests.conftest import make_tool

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
WORD = re.compile(r"[A-Za-z]{3,}")
# Words the pages show in Latin letters on purpose (abbreviations, names of formats and methods).
LATIN_ON_PURPOSE = {"PDF", "CSV", "XLSX", "EKATTE", "AMBIT", "API", "SVG", "Zaedno", "ICS", "ID"}


def _catalogue() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The Bulgarian catalogue's English msgids that have a different Bulgarian msgstr: short ones
    matched as a whole text of the page, longer ones (and the fixed parts of those with
    placeholders) anywhere in it."""
    mo = Path(__file__).resolve().parents[2] / "locale/bg/LC_MESSAGES/django.mo"
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # noqa: SLF001 - reading the compiled catalogue
    whole: dict[str, str] = {}
    parts: list[tuple[str, str]] = []
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or msgid == value or not WORD.search(msgid) or "\x04" in msgid:
            continue
        if set(WORD.findall(msgid)) <= LATIN_ON_PURPOSE:
            continue
        if PLACEHOLDER.search(msgid):
            longest = max(PLACEHOLDER.split(msgid), key=len).strip()
            if len(longest) >= 20 and " " in longest:
                parts.append((longest, msgid))
        elif len(msgid) >= 20 and " " in msgid:
            parts.append((msgid, msgid))
        else:
            whole[msgid] = value
    return whole, parts


class _Texts(HTMLParser):
    """The texts a reader sees: text nodes and the attributes read aloud or shown, outside
    scripts, styles and elements marked as another language (the language switcher)."""

    # Code-like identifiers (column names of the import file, rule and protocol codes) are shown
    # in <code> on purpose: they are what the user types or reads in a file, not prose.
    SKIP = {"script", "style", "template", "code", "kbd", "samp"}
    ATTRS = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "bg").split("-")[0]
        skip = tag in self.SKIP or lang != "bg"
        if tag not in {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base"}:
            self.stack.append((tag, skip))
        if not (skip or self._skipping()):
            self.texts += [v.strip() for k, v in attrs.items() if k in self.ATTRS and v and v.strip()]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"].strip())

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.texts.append(" ".join(data.split()))


def problems(html: str, whole: dict[str, str], parts: list[tuple[str, str]]) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    found = []
    codes = set(ACTION_LABELS)
    for text in parser.texts:
        if text in whole:
            found.append(f"untranslated: {text!r} (catalogue: {whole[text]!r})")
        elif text in codes:
            found.append(f"raw audit code: {text!r}")
    joined = "\n".join(parser.texts)
    found += [f"untranslated: {msgid!r}" for fragment, msgid in parts if fragment in joined]
    return found


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    w = build_world()
    lead = access_for(w.ivanova, w.case)
    assessment = assessment_services.assessment_start(ctx=ctx_for(w.ivanova), access=lead)
    assessment_services.contribution_save(
        ctx=ctx_for(w.ivanova), access=lead, assessment=assessment,
        entries=[EntryData("basic_care", concerns="Детето често идва гладно.", needs="Подкрепа", level="significant")],
    )  # fmt: skip
    w.assessment = assessment
    w.plan = agreed_plan(w)
    for kind in ToolKind:
        make_tool(w, kind)
    w.service = make_service(w.cop, "ЦОП — консултиране и подкрепа на семейството")
    w.referral = referral_services.referral_send(
        ctx=ctx_for(w.ivanova), access=access_for(w.ivanova, w.case), service=w.service,
        reason="Нужда от психологическа подкрепа.", urgency=Urgency.URGENT,
        sections=[SharedSection.IDENTITY, SharedSection.SCHOOL], legal_basis=LegalBasis.ZZD_ART11,
    )  # fmt: skip
    return w


def pages(w) -> list[tuple[str, str]]:
    case = w.case.pk
    meeting = w.plan.agreed_meeting_id
    signal = Signal.objects.filter(case=w.case).first()
    out = [
        ("ivanova", "/"),
        ("ivanova", reverse("protocols:my_work")),
        ("ivanova", reverse("cases:list")),
        ("ivanova", reverse("cases:detail", args=[case])),
        ("ivanova", reverse("cases:edit", args=[case])),
        ("ivanova", reverse("cases:status", args=[case])),
        ("ivanova", reverse("cases:team_add", args=[case])),
        ("ivanova", reverse("cases:lead", args=[case])),
        ("ivanova", reverse("children:register")),
        ("ivanova", reverse("children:detail", args=[w.child.pk])),
        ("ivanova", reverse("children:edit", args=[w.child.pk])),
        ("ivanova", reverse("signals:list")),
        ("ivanova", reverse("signals:incoming")),
        ("petrov", reverse("signals:new")),
        ("ivanova", reverse("meetings:list", args=[case])),
        ("ivanova", reverse("meetings:schedule", args=[case])),
        ("ivanova", reverse("meetings:decisions", args=[case])),
        ("ivanova", reverse("plans:case", args=[case])),
        ("ivanova", reverse("plans:detail", args=[case, w.plan.pk])),
        ("ivanova", reverse("plans:print", args=[case, w.plan.pk])),
        ("ivanova", reverse("assessments:case", args=[case])),
        ("ivanova", reverse("assessments:history", args=[case])),
        ("ivanova", reverse("assessments:detail", args=[case, w.assessment.pk])),
        ("ivanova", reverse("assessments:print", args=[case, w.assessment.pk])),
        ("ivanova", reverse("tools:list", args=[case])),
        ("ivanova", reverse("profiles:case", args=[case])),
        ("ivanova", reverse("profiles:criteria")),
        ("ivanova", reverse("episodes:case", args=[case])),
        ("ivanova", reverse("protocols:case", args=[case])),
        ("ivanova", reverse("protocols:case_diagram", args=[case])),
        ("ivanova", reverse("protocols:list")),
        ("nikolova", reverse("protocols:compliance")),
        ("nikolova", reverse("cases:detail", args=[case])),
        ("ivanova", reverse("documents:list", args=[case])),
        ("ivanova", reverse("documents:family_sheet", args=[case])),
        ("ivanova", reverse("referrals:case", args=[case])),
        ("ivanova", reverse("referrals:detail", args=[case, w.referral.pk])),
        ("stoyanov", reverse("referrals:incoming")),
        ("stoyanov", reverse("referrals:incoming_detail", args=[w.referral.pk])),
        ("ivanova", reverse("join_requests:list")),
        ("ivanova", reverse("resources:list")),
        ("ivanova", reverse("resources:detail", args=[w.service.pk])),
        ("stoyanov", reverse("resources:new")),
        ("stoyanov", reverse("imports:list")),
        ("ivanova", reverse("notifications:list")),
        ("ivanova", reverse("accounts:absence")),
    ]
    if signal is not None:
        out.append(("ivanova", reverse("signals:detail", args=[signal.pk])))
    if meeting:
        out += [
            ("ivanova", reverse("meetings:detail", args=[case, meeting])),
            ("ivanova", reverse("meetings:print", args=[case, meeting])),
        ]
    for document in ToolDocument.objects.filter(case=w.case):
        out += [
            ("ivanova", reverse("tools:detail", args=[case, document.pk])),
            ("ivanova", reverse("tools:print", args=[case, document.pk, document.version])),
        ]
    out += [("ivanova", reverse("tools:new", args=[case, kind.value])) for kind in ToolKind]
    return out


def test_every_main_page_is_bulgarian_without_raw_audit_codes(world):
    whole, parts = _catalogue()
    clients: dict[str, Client] = {}
    # Others look at the case first, so "who looked at this case" has rows of several kinds.
    for user, url in [
        ("petrov", reverse("tools:list", args=[world.case.pk])),
        ("stoyanov", reverse("referrals:incoming_detail", args=[world.referral.pk])),
    ]:
        c = clients.setdefault(user, Client(HTTP_ACCEPT_LANGUAGE="bg"))
        c.force_login(getattr(world, user))
        c.get(url)
    failures = {}
    for user, url in pages(world):
        c = clients.get(user)
        if c is None:
            c = clients[user] = Client(HTTP_ACCEPT_LANGUAGE="bg")
            c.force_login(getattr(world, user))
        response = c.get(url, follow=True)
        assert response.status_code == 200, f"{user} {url}: {response.status_code}"
        found = problems(response.content.decode(), whole, parts)
        if found:
            failures[f"{user} {url}"] = found
    assert not failures, "\n".join(f"{page}: {found}" for page, found in failures.items())


def test_the_check_finds_an_english_string_and_a_raw_code():
    whole, parts = _catalogue()
    page = "<main><h2>Who looked at this case</h2><table><td>tool.view</td></table></main>"
    found = problems(page, whole, parts)
    assert any("Who looked at this case" in f for f in found)
    assert any("tool.view" in f for f in found)
    assert not problems(
        '<main><h2>Кой е разглеждал случая</h2><button lang="en" title="English">EN</button></main>',
        whole,
        parts,
    )
