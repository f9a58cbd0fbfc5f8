"""The case pages: need-to-know on every page, audit of every read and write, conflicts, budgets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zaedno.accounts.models import Profession
from zaedno.accounts.services import user_create
from zaedno.audit.models import AuditEvent, AuditKind
from zaedno.cases.access import access_for
from zaedno.cases.models import BreakGlassAccess, Case, CaseStatus, NoteSection, Sensitivity, TeamMember
from zaedno.cases.services import case_note_add, case_update, team_member_add
from zaedno.children.identifiers import make_egn
from zaedno.children.services import child_register
from zaedno.core.testing import PASSWORD, ctx_for, open_case
from zaedno.organisations.models import OrganisationKind
from zaedno.organisations.services import organisation_create

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]
TEAM = ["ivanova", "petrov", "nikolova"]
SECRETS = ["ТАЙНО-VIOLENCE", "ТАЙНО-HEALTH", "ТАЙНО-СИГНАЛ"]


def html(response) -> str:
    return response.content.decode()


def results(response) -> str:
    """The result region of the case list (the search box echoes what was typed)."""
    return html(response).split('id="case-results"', 1)[1]


def login(client, user):
    client.force_login(user)
    return client


def _normalised(response, case_id) -> str:
    """The page without what differs by design: the path and the per-render CSRF token mask."""
    page = html(response).replace(f"/cases/{case_id}/", "/cases/ID/")
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def detail_url(case):
    return reverse("cases:detail", args=[case.pk])


# --- Login ----------------------------------------------------------------------------------


def test_login_page_and_real_login(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in html(response)
    response = client.post(reverse("login"), {"username": "ivanova", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("protocols:my_work")
    client.logout()
    response = client.post(reverse("login"), {"username": "ivanova", "password": "wrong"})
    assert "не е вярна" in html(response)  # plain Bulgarian error


def test_pages_need_login(client, world):
    for url in (reverse("cases:list"), detail_url(world.case), reverse("cases:export")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_language_switch_to_english(client, world):
    login(client, world.ivanova)
    assert "Моите случаи" in html(client.get(reverse("cases:list")))
    client.post(reverse("set_language"), {"language": "en", "next": reverse("cases:list")})
    assert "My cases" in html(client.get(reverse("cases:list")))


# --- My cases: list, search, export ---------------------------------------------------------


@pytest.mark.parametrize("name", TEAM)
def test_case_list_shows_the_case_to_the_team(client, world, name):
    response = login(client, getattr(world, name)).get(reverse("cases:list"))
    assert response.status_code == 200
    page = html(response)
    assert world.case.number in page
    assert "Георги Иванов Стефанов" in page
    assert world.case.opened_at.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y") in page


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_find_no_trace_in_list_search_or_export(client, world, name):
    login(client, getattr(world, name))
    for params in (
        {},
        {"q": "Георги"},
        {"q": "Georgi Stefanov"},
        {"q": world.child.egn},
        {"q": world.case.number},
    ):
        page = results(client.get(reverse("cases:list"), params))
        assert "0 случая" in page
        assert 'class="case-number"' not in page
        assert detail_url(world.case) not in page
        export = client.get(reverse("cases:export"), params).content.decode("utf-8-sig")
        assert world.case.number not in export
        assert "Стефанов" not in export


@pytest.mark.parametrize("query", ["Георги", "георги стефанов", "Georgi Stefanov", "GEORGI", "egn", "number"])
def test_search_cyrillic_latin_egn_number(client, world, query):
    query = {"egn": world.child.egn, "number": world.case.number}.get(query, query)
    login(client, world.petrov)
    page = html(client.get(reverse("cases:list"), {"q": query}))
    assert world.case.number in page
    assert world.case.number not in results(client.get(reverse("cases:list"), {"q": "Несъществуващо"}))


def test_search_live_results_are_a_partial(client, world):
    login(client, world.ivanova)
    response = client.get(
        reverse("cases:list"), {"q": "Стефанов"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-results"
    )
    assert response.status_code == 200
    assert "<html" not in html(response)
    assert world.case.number in html(response)


def test_status_filter(client, world):
    login(client, world.ivanova)
    assert world.case.number in html(client.get(reverse("cases:list"), {"status": "open"}))
    assert world.case.number not in results(client.get(reverse("cases:list"), {"status": "closed"}))


def test_case_list_is_audited(client, world):
    login(client, world.ivanova).get(reverse("cases:list"), {"q": "Георги"})
    event = AuditEvent.objects.filter(action="case.list", actor_id=world.ivanova.pk).last()
    assert event.kind == AuditKind.READ
    assert event.details["case_ids"] == [world.case.pk]
    assert event.details["query"] == "Георги"


def test_case_list_paginates_by_25(client, world):
    for _ in range(26):
        open_case(world, world.child)
    login(client, world.ivanova)
    first = html(client.get(reverse("cases:list")))
    assert "27 случая" in first
    assert first.count('class="case-number"') == 25
    second = html(client.get(reverse("cases:list"), {"page": 2}))
    assert second.count('class="case-number"') == 2


def test_export_csv(client, world):
    response = login(client, world.petrov).get(reverse("cases:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Номер на случая"
    assert rows[1][0] == world.case.number
    assert rows[1][2] == "15.03.2012"
    assert world.child.egn not in response.content.decode("utf-8-sig")  # no identifiers in exports
    event = AuditEvent.objects.filter(action="case.export", actor_id=world.petrov.pk).get()
    assert event.details["case_ids"] == [world.case.pk]


def test_export_neutralises_formulas(client, world):
    world.child.first_name = "=HYPERLINK(1)"
    world.child.save()
    content = login(client, world.ivanova).get(reverse("cases:export")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content


# --- The case page --------------------------------------------------------------------------


@pytest.mark.parametrize("name", TEAM)
def test_case_page_for_the_team_and_audited(client, world, name):
    user = getattr(world, name)
    before = AuditEvent.objects.filter(action="case.view", actor_id=user.pk).count()
    response = login(client, user).get(detail_url(world.case))
    assert response.status_code == 200
    page = html(response)
    assert world.case.number in page
    assert "Петър Петров" in page  # the team
    assert "Хронология" in page
    events = AuditEvent.objects.filter(action="case.view", actor_id=user.pk)
    assert events.count() == before + 1
    assert events.last().kind == AuditKind.READ
    assert events.last().case_id == world.case.pk


@pytest.mark.parametrize("name", OUTSIDERS)
def test_case_page_is_404_for_outsiders_same_as_missing(client, world, name):
    login(client, getattr(world, name))
    not_allowed = client.get(detail_url(world.case))
    missing = client.get(reverse("cases:detail", args=[world.case.pk + 1000]))
    assert not_allowed.status_code == missing.status_code == 404
    assert _normalised(not_allowed, world.case.pk) == _normalised(missing, world.case.pk + 1000)
    assert world.case.number not in html(not_allowed)
    # Refused, so no read on record; the refusal itself is (issue 13, item 4).
    outsider_events = AuditEvent.objects.filter(actor_id=getattr(world, name).pk)
    assert not outsider_events.filter(action="case.view", kind=AuditKind.READ).exists()
    assert outsider_events.filter(kind=AuditKind.DENIED, case_id=world.case.pk).exists()


def test_sensitive_sections_follow_the_sharing_level(client, world):
    petrov = html(login(client, world.petrov).get(detail_url(world.case)))
    for secret in SECRETS:
        assert secret not in petrov
    assert "ТАЙНО-GENERAL" in petrov and "ТАЙНО-EDUCATION" in petrov
    assert "Ограничено" in petrov  # a restricted notice instead
    manager = html(login(client, world.nikolova).get(detail_url(world.case)))
    for secret in SECRETS:
        assert secret not in manager
    lead = html(login(client, world.ivanova).get(detail_url(world.case)))
    for secret in SECRETS:
        assert secret in lead


def test_egn_masked_below_sensitive_level(client, world):
    egn = world.child.egn
    petrov = html(login(client, world.petrov).get(detail_url(world.case)))
    assert egn not in petrov
    assert "******" + egn[-4:] in petrov
    assert egn in html(login(client, world.ivanova).get(detail_url(world.case)))


def test_who_looked_only_for_lead_and_manager(client, world):
    login(client, world.petrov).get(detail_url(world.case))
    lead = html(login(client, world.ivanova).get(detail_url(world.case)))
    assert "Кой е разглеждал случая" in lead
    assert "Петър Петров" in lead.split("Кой е разглеждал случая")[1]
    assert "Кой е разглеждал случая" in html(login(client, world.nikolova).get(detail_url(world.case)))
    assert "Кой е разглеждал случая" not in html(login(client, world.petrov).get(detail_url(world.case)))


def test_case_page_is_printable_and_dates_are_bulgarian(client, world):
    page = html(login(client, world.ivanova).get(detail_url(world.case)))
    assert "window.print()" in page
    assert "zaedno.css" in page
    assert "15.03.2012" in page


# --- Notes ----------------------------------------------------------------------------------


def test_member_adds_a_note_and_it_is_audited(client, world):
    url = reverse("cases:note_add", args=[world.case.pk])
    response = login(client, world.petrov).post(url, {"section": "education", "text": "Посещава редовно."})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="note.add", actor_id=world.petrov.pk, kind=AuditKind.WRITE
    ).exists()
    assert "Посещава редовно." in html(client.get(detail_url(world.case)))


def test_note_via_htmx_returns_the_notes_and_timeline(client, world):
    url = reverse("cases:note_add", args=[world.case.pk])
    response = login(client, world.ivanova).post(
        url, {"section": "general", "text": "Среща с майката."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page
    assert 'id="notes"' in page and 'hx-swap-oob="true"' in page
    assert page.count("Среща с майката.") == 2  # the note and its timeline entry


def test_member_cannot_write_above_their_level(client, world):
    url = reverse("cases:note_add", args=[world.case.pk])
    response = login(client, world.petrov).post(url, {"section": "violence", "text": "Опит"})
    assert response.status_code == 400
    assert not world.case.notes.filter(text="Опит").exists()


def test_outsider_cannot_post_a_note(client, world):
    url = reverse("cases:note_add", args=[world.case.pk])
    response = login(client, world.georgieva).post(url, {"section": "general", "text": "Опит"})
    assert response.status_code == 404
    assert not world.case.notes.filter(text="Опит").exists()


# --- Edit summary with a version ------------------------------------------------------------


def test_edit_summary(client, world):
    url = reverse("cases:edit", args=[world.case.pk])
    login(client, world.ivanova)
    assert client.get(url).status_code == 200
    response = client.post(url, {"summary": "Нов план.", "version": world.case.version})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.summary == "Нов план."
    assert AuditEvent.objects.filter(action="case.update", actor_id=world.ivanova.pk).exists()


def test_stale_edit_is_refused_with_what_changed(client, world):
    url = reverse("cases:edit", args=[world.case.pk])
    stale = world.case.version
    case_update(
        ctx=ctx_for(world.petrov),
        access=access_for(world.petrov, world.case),
        expected_version=stale,
        summary="Записано от Петров.",
    )
    response = login(client, world.ivanova).post(url, {"summary": "Моята версия.", "version": stale})
    assert response.status_code == 409
    page = html(response)
    assert "НЕ бяха запазени" in page
    assert "Моята версия." in page and "Записано от Петров." in page
    world.case.refresh_from_db()
    assert world.case.summary == "Записано от Петров."
    assert world.case.version == stale + 1


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_case_form(client, world, name):
    login(client, getattr(world, name))
    member = world.petrov_member
    for url_name, args in [
        ("cases:edit", [world.case.pk]),
        ("cases:status", [world.case.pk]),
        ("cases:team_add", [world.case.pk]),
        ("cases:team_search", [world.case.pk]),
        ("cases:team_remove", [world.case.pk, member.pk]),
    ]:
        assert client.get(reverse(url_name, args=args)).status_code == 404, url_name
        assert client.post(reverse(url_name, args=args), {}).status_code in (404, 405), url_name
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN
    assert TeamMember.objects.get(pk=member.pk).left_at is None


# --- Status ---------------------------------------------------------------------------------


def test_close_follow_up_and_reopen(client, world):
    url = reverse("cases:status", args=[world.case.pk])
    login(client, world.ivanova)
    assert client.get(url).status_code == 200
    for status in ("follow_up", "closed", "open"):
        world.case.refresh_from_db()
        response = client.post(
            url, {"status": status, "reason": f"Причина {status}", "version": world.case.version}
        )
        assert response.status_code == 302, html(response)
        world.case.refresh_from_db()
        assert world.case.status == status
        assert AuditEvent.objects.filter(action=f"case.status.{status}").exists()


def test_status_needs_a_reason(client, world):
    url = reverse("cases:status", args=[world.case.pk])
    response = login(client, world.ivanova).post(
        url, {"status": "closed", "reason": "", "version": world.case.version}
    )
    assert response.status_code == 200
    assert "errorlist" in html(response)
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


def test_stale_status_change_is_refused(client, world):
    url = reverse("cases:status", args=[world.case.pk])
    stale = world.case.version
    case_update(ctx=ctx_for(world.ivanova), access=world.lead_access, expected_version=stale, summary="x")
    response = login(client, world.ivanova).post(
        url, {"status": "closed", "reason": "Край", "version": stale}
    )
    assert response.status_code == 409
    assert "НЕ бяха запазени" in html(response)
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


def test_member_gets_a_friendly_403_for_status(client, world):
    response = login(client, world.petrov).get(reverse("cases:status", args=[world.case.pk]))
    assert response.status_code == 403
    page = html(response)
    assert "Не можете да направите това" in page
    assert "водещият на случая" in page


# --- Team -----------------------------------------------------------------------------------


def test_search_professionals_across_all_organisations(client, world):
    login(client, world.ivanova)
    url = reverse("cases:team_search", args=[world.case.pk])
    page = html(client.get(url, {"q": "ангелова"}))  # another municipality, lower case Cyrillic
    assert "Ангелина Ангелова" in page and "Горна Оряховица" in page
    assert "Стоян Стоянов" in html(client.get(url, {"q": "stoyanov"}))
    # Already in the team: not offered again.
    assert "Петър Петров" not in html(client.get(url, {"q": "Петров"}))
    full = html(client.get(reverse("cases:team_add", args=[world.case.pk]), {"q": "Колева"}))
    assert "Калина Колева" in full


def test_add_and_remove_a_team_member(client, world):
    login(client, world.ivanova)
    membership = world.dimitrova.memberships.get()
    response = client.post(
        reverse("cases:team_add", args=[world.case.pk]),
        {"membership": membership.pk, "role": "consultant", "sharing_level": Sensitivity.SENSITIVE},
    )
    assert response.status_code == 302
    member = TeamMember.objects.get(case=world.case, user=world.dimitrova, left_at__isnull=True)
    assert member.role == "consultant" and member.sharing_level == Sensitivity.SENSITIVE
    assert AuditEvent.objects.filter(action="team.add", actor_id=world.ivanova.pk).exists()
    assert "Десислава Димитрова" in html(client.get(detail_url(world.case)))

    remove = reverse("cases:team_remove", args=[world.case.pk, member.pk])
    assert client.get(remove).status_code == 200
    assert client.post(remove, {"reason": ""}).status_code == 200  # reason required
    response = client.post(remove, {"reason": "Консултацията приключи."})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_at is not None and member.leave_reason == "Консултацията приключи."
    assert AuditEvent.objects.filter(action="team.remove", actor_id=world.ivanova.pk).exists()
    page = html(client.get(detail_url(world.case)))
    assert "Бивши членове" in page and "Консултацията приключи." in page
    assert login(client, world.dimitrova).get(detail_url(world.case)).status_code == 404


def test_add_member_requires_a_choice(client, world):
    response = login(client, world.ivanova).post(
        reverse("cases:team_add", args=[world.case.pk]), {"role": "member", "sharing_level": 2}
    )
    assert response.status_code == 200
    assert "Потърсете специалиста по име" in html(response)


def test_member_cannot_change_the_team(client, world):
    login(client, world.petrov)
    assert client.get(reverse("cases:team_add", args=[world.case.pk])).status_code == 403
    membership = world.dimitrova.memberships.get()
    response = client.post(
        reverse("cases:team_add", args=[world.case.pk]),
        {"membership": membership.pk, "role": "member", "sharing_level": 2},
    )
    assert response.status_code == 403
    assert not TeamMember.objects.filter(case=world.case, user=world.dimitrova).exists()


# --- Open a case ----------------------------------------------------------------------------


def _open_payload(world, **extra):
    data = {
        "child": world.child.pk,
        "category": "neglect",
        "urgency": "routine",
        "reporter_kind": "professional",
        "source_sector": "education",
        "reporter_name": "Директор на училището",
        "reporter_organisation": world.school.pk,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Детето идва гладно на училище.",
        "lead": world.ivanova.pk,
        "lead_organisation": world.ozd.pk,
        "municipality": "",
        "summary": "",
    }
    data.update(extra)
    return data


def test_open_a_case_from_a_signal(client, world):
    login(client, world.ivanova)
    url = reverse("cases:open") + f"?child={world.child.pk}"
    page = html(client.get(url))
    assert "Георги Иванов Стефанов" in page
    response = client.post(url, _open_payload(world))
    assert response.status_code == 302
    case = Case.objects.exclude(pk=world.case.pk).get(child=world.child)
    assert response["Location"] == detail_url(case)
    assert case.lead == world.ivanova and case.municipality == world.ozd.municipality
    assert AuditEvent.objects.filter(action="case.open", case_id=case.pk).exists()


def test_open_a_case_rejects_a_future_signal(client, world):
    login(client, world.ivanova)
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("cases:open"), _open_payload(world, received_at=future))
    assert response.status_code == 200
    assert "бъдещето" in html(response)
    assert Case.objects.count() == 1


def test_open_a_case_lists_only_visible_children(client, world):
    login(client, world.ivanova)
    assert "Георги Иванов Стефанов" in html(client.get(reverse("cases:open"), {"q": "Георги"}))
    login(client, world.angelova)
    assert "Стефанов" not in html(client.get(reverse("cases:open"), {"q": "Георги"}))
    assert client.get(reverse("cases:open"), {"child": world.child.pk}).status_code == 404


# --- Emergency access -----------------------------------------------------------------------

REASON = "Детето е задържано през нощта, търсим близките му."


def test_emergency_access_opens_the_case_with_a_banner(client, world):
    login(client, world.georgieva)
    assert client.get(reverse("cases:emergency")).status_code == 200
    response = client.post(reverse("cases:emergency"), {"number": world.case.number, "reason": REASON})
    assert response.status_code == 302 and response["Location"] == detail_url(world.case)
    page = html(client.get(detail_url(world.case)))
    assert "достъп при спешност" in page.lower()
    grant = BreakGlassAccess.objects.get(user=world.georgieva)
    assert timezone.localtime(grant.expires_at).strftime("%d.%m.%Y %H:%M") in page
    assert "ТАЙНО-СИГНАЛ" in page  # emergency access sees everything, and it is logged
    assert AuditEvent.objects.filter(action="case.break_glass", actor_id=world.georgieva.pk).exists()
    # Read-only: no note form.
    assert "Добавяне на бележка" not in page


def test_emergency_access_unknown_number_and_short_reason(client, world):
    login(client, world.georgieva)
    page = html(client.post(reverse("cases:emergency"), {"number": "XXX-1", "reason": REASON}))
    assert "Няма случай с такъв номер" in page
    page = html(client.post(reverse("cases:emergency"), {"number": world.case.number, "reason": "спешно"}))
    assert "20 знака" in page
    assert not BreakGlassAccess.objects.exists()


def test_emergency_access_not_for_schools(client, world):
    login(client, world.angelova)
    page = html(client.post(reverse("cases:emergency"), {"number": world.case.number, "reason": REASON}))
    assert "няма достъп при спешност" in page
    assert not BreakGlassAccess.objects.exists()


def test_lead_reviews_an_emergency_access(client, world):
    login(client, world.georgieva).post(
        reverse("cases:emergency"), {"number": world.case.number, "reason": REASON}
    )
    grant = BreakGlassAccess.objects.get()
    page = html(login(client, world.ivanova).get(detail_url(world.case)))
    assert "Достъп при спешност за преглед" in page and REASON in page
    url = reverse("cases:break_glass_review", args=[world.case.pk, grant.pk])
    assert login(client, world.petrov).post(url, {"outcome": "justified"}).status_code == 404
    response = login(client, world.ivanova).post(url, {"outcome": "justified", "note": "Да."})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.review_outcome == "justified" and grant.reviewed_by == world.ivanova
    assert AuditEvent.objects.filter(action="case.break_glass.review", actor_id=world.ivanova.pk).exists()
    assert "Достъп при спешност за преглед" not in html(client.get(detail_url(world.case)))


# --- Query budgets --------------------------------------------------------------------------


def _grow(world, *, cases: int, members: int, notes: int):
    """Many cases for ivanova, and one case with a big team and a long timeline."""
    orgs = [
        organisation_create(name=f"Училище №{i}", kind=OrganisationKind.SCHOOL, municipality=world.vt)
        for i in range(3)
    ]
    for i in range(cases):
        birth = dt.date(2010, 1, 1) + dt.timedelta(days=i)
        child = child_register(
            ctx=ctx_for(world.ivanova), first_name=f"Дете{i}", last_name="Стефанова", birth_date=birth,
            sex="f", egn=make_egn(birth, "f", 100 + i),
        )  # fmt: skip
        open_case(world, child)
    access = access_for(world.ivanova, world.case)
    for i in range(members):
        user = user_create(
            username=f"member{i}", first_name=f"Член{i}", last_name="Екипов", password=PASSWORD,
            profession=Profession.TEACHER, organisation=orgs[i % len(orgs)],
        )  # fmt: skip
        team_member_add(
            ctx=ctx_for(world.ivanova), access=access, user=user, organisation=orgs[i % len(orgs)]
        )
    for i in range(notes):
        section = [NoteSection.GENERAL, NoteSection.FAMILY, NoteSection.VIOLENCE][i % 3]
        case_note_add(ctx=ctx_for(world.ivanova), access=access, section=section, text=f"Бележка {i}")
    for i in range(5):
        login_as = world.petrov if i % 2 else world.nikolova
        from zaedno.cases.access import case_for_user

        case_for_user(login_as, world.case.pk, ctx=ctx_for(login_as))


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_case_list_and_case_page_have_a_fixed_query_budget(client, world):
    login(client, world.ivanova)
    client.get(reverse("cases:list"))  # warm up (session, language)
    small_list = _count(client, reverse("cases:list"))
    small_search = _count(client, reverse("cases:list"), q="Стефанов")
    small_page = _count(client, detail_url(world.case))
    small_page_member = _count(login(client, world.petrov), detail_url(world.case))

    _grow(world, cases=30, members=12, notes=30)
    login(client, world.ivanova)
    large_list = _count(client, reverse("cases:list"))
    large_search = _count(client, reverse("cases:list"), q="Стефанов")
    large_page = _count(client, detail_url(world.case))
    large_page_member = _count(login(client, world.petrov), detail_url(world.case))

    assert large_list == small_list, (small_list, large_list)
    assert large_search == small_search, (small_search, large_search)
    assert large_page == small_page, (small_page, large_page)
    assert large_page_member == small_page_member, (small_page_member, large_page_member)
    # And the budgets themselves stay small (session, user, notifications, access, audit, sections).
    assert large_list <= 12, large_list
    # The case page: 21 of its own (the signals, and for the lead a pending handover of the case
    # lead), plus one or two per card other apps add (profile, meetings and decisions, plan,
    # assessment, tools: see zaedno/core/panels.py).
    assert large_page <= 30, large_page
