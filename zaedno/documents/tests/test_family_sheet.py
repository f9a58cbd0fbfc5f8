"""The documents page and the plain-language information sheet for the family."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zaedno.audit.models import AuditEvent
from zaedno.core.testing import PASSWORD
from zaedno.documents.pdf import pdf_filename
from zaedno.documents.testing import pdf_text
from zaedno.meetings.models import Decision, Meeting, MeetingKind, Participant, ResponsibleKind

pytestmark = pytest.mark.django_db
OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def meeting(world):
    now = timezone.now()
    m = Meeting.objects.create(
        case=world.case, kind=MeetingKind.CONFERENCE_PLANNING, starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=1), place="ОЗД, стая 12", chair=world.ivanova,
        created_by=world.ivanova, created_at=now,
    )  # fmt: skip
    Participant.objects.create(meeting=m, name="Анна Стефанова", role="parent")
    Decision.objects.create(
        case=world.case, meeting=m, number=1, text="Майката води Георги на консултация при психолог",
        responsible_kind=ResponsibleKind.PARENT, responsible_name="Анна Стефанова (майка)",
        due_on=timezone.localdate() + dt.timedelta(days=10), created_by=world.ivanova, created_at=now,
    )  # fmt: skip
    return m


def _choose(client, world, **picks):
    """The case lead ticks what goes on the sheet and saves it (issue 12, item 9)."""
    url = reverse("documents:family_sheet", args=[world.case.pk])
    assert login(client, world.ivanova).post(url, {**picks, "save": "1"}).status_code == 302


def _preview(html: str) -> str:
    return html[html.index('id="sheet-preview"') :]


def test_the_sheet_names_the_team_next_meeting_family_tasks_and_rights(client, world, meeting):
    _choose(client, world, decision=[d.pk for d in meeting.decisions.all()], member=[world.petrov_member.pk])
    page = login(client, world.ivanova).get(reverse("documents:family_sheet", args=[world.case.pk]))
    assert page.status_code == 200
    html = _preview(page.content.decode())
    assert "Георги" in html and "Иванова" in html and "Петров" in html
    assert "ОЗД, стая 12" in html
    assert "консултация при психолог" in html
    assert "116 111" in html
    # Nothing from the sensitive parts of the case: not the signal, not the notes.
    assert "ТАЙНО" not in html
    assert AuditEvent.objects.filter(action="documents.family_sheet", case_id=world.case.pk).exists()


def test_the_sheet_pdf_is_cyrillic_and_in_english_on_request(client, world, meeting):
    _choose(client, world, member=[world.petrov_member.pk])
    c = login(client, world.petrov)
    response = c.get(reverse("documents:family_sheet_pdf", args=[world.case.pk]) + "?lang=bg")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Информация за семейството" in text or "Заедно за Георги" in text
    assert "Мария Иванова" in text
    assert "116 111" in text
    assert "ТАЙНО" not in text
    english = pdf_text(
        c.get(reverse("documents:family_sheet_pdf", args=[world.case.pk]) + "?lang=en").content
    )
    assert "Your rights" in english
    assert "Мария Иванова" in english  # names stay as written


def test_the_documents_page_lists_the_family_sheet(client, world):
    page = login(client, world.ivanova).get(reverse("documents:list", args=[world.case.pk]))
    assert page.status_code == 200
    assert reverse("documents:family_sheet_pdf", args=[world.case.pk]) in page.content.decode()


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_document_page(client, world, name):
    c = login(client, getattr(world, name))
    for url_name in ("documents:list", "documents:family_sheet", "documents:family_sheet_pdf"):
        assert c.get(reverse(url_name, args=[world.case.pk])).status_code == 404
        assert c.get(reverse(url_name, args=[999999])).status_code == 404


def test_pdf_file_names_are_ascii():
    assert pdf_filename("Протокол", "ВТ-2026-0001") == "Protokol-Vt-2026-0001.pdf"


def test_a_plan_action_is_not_on_the_sheet_until_the_lead_chooses_it(client, world):
    """Issue 12, item 9: the sheet is chosen, not copied — the mother's action of the agreed plan
    is not printed for the family by itself."""
    from zaedno.plans.tests.helpers import agreed_plan

    agreed_plan(world)
    c = login(client, world.ivanova)
    pdf = pdf_text(c.get(reverse("documents:family_sheet_pdf", args=[world.case.pk]) + "?lang=bg").content)
    assert "Дейност 1.2" not in pdf
    assert "Петров" not in pdf  # nor the team, until the lead names them


def test_the_sheet_lists_the_familys_own_actions_the_lead_chose(client, world):
    from zaedno.plans.tests.helpers import agreed_plan

    plan = agreed_plan(world)
    page = (
        login(client, world.ivanova)
        .get(reverse("documents:family_sheet", args=[world.case.pk]))
        .content.decode()
    )
    mothers = plan.actions.get(text__startswith="Дейност 1.2")
    assert f'name="action" value="{mothers.pk}"' in page  # offered to the lead
    psychologists = plan.actions.get(text__startswith="Дейност 1.1")
    assert f'name="action" value="{psychologists.pk}"' not in page  # the psychologist's: not offered
    _choose(client, world, action=[mothers.pk])
    html = _preview(
        login(client, world.ivanova)
        .get(reverse("documents:family_sheet", args=[world.case.pk]))
        .content.decode()
    )
    assert "Дейност 1.2" in html  # the mother's
    assert "Дейност 1.1" not in html  # the school psychologist's: not the family's to do


def test_a_sensitive_decision_for_the_parent_stays_off_the_sheet(client, world, meeting):
    from zaedno.cases.models import Sensitivity

    Decision.objects.create(
        case=world.case, meeting=meeting, number=2, text="Майката посещава група за жертви на насилие",
        responsible_kind=ResponsibleKind.PARENT, responsible_name="Анна Стефанова (майка)",
        due_on=timezone.localdate() + dt.timedelta(days=10), created_by=world.ivanova, created_at=timezone.now(),
        sensitivity=Sensitivity.SENSITIVE,
    )  # fmt: skip
    html = (
        login(client, world.ivanova)
        .get(reverse("documents:family_sheet", args=[world.case.pk]))
        .content.decode()
    )
    assert "консултация при психолог" in html  # offered to the lead
    assert "група за жертви" not in html  # not even offered
    _choose(client, world, decision=[Decision.objects.get(number=2, meeting=meeting).pk])  # refused if posted
    from zaedno.plans.models import FamilySheet

    assert not FamilySheet.objects.filter(case=world.case).exists()
