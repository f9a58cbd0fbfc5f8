"""The shared multisector assessment: contributions by sector, sensitivity, formulation agreed at a
meeting, completion completing the protocol steps, versions, pages, PDF and need-to-know.

The world is built at a fixed time after the shipped protocols are loaded, so its violence case
follows the multisector protocol (step ``multisector_assessment``) and the coordination
mechanism (``assessment_done[needs]``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zaedno.assessments import services
from zaedno.assessments.models import Assessment, AssessmentStatus, NeedLevel
from zaedno.assessments.services import EntryData
from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity
from zaedno.cases.services import team_member_add
from zaedno.core.errors import ConflictError
from zaedno.core.testing import build_world, ctx_for
from zaedno.documents.testing import pdf_text
from zaedno.meetings.models import Meeting, MeetingKind, MeetingStatus
from zaedno.protocols.models import CaseStep, StepStatus
from zaedno.protocols.tests.helpers import steps_done_before

pytestmark = pytest.mark.django_db

OUTSIDERS = ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"]
SECRET = "ТАЙНО-ЗДРАВЕ диагноза"


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    return build_world()


def acc(w, user):
    return access_for(user, w.case)


def meeting(w, case=None, status=MeetingStatus.HELD):
    now = timezone.now()
    return Meeting.objects.create(
        case=case or w.case, kind=MeetingKind.CONFERENCE_INITIAL, status=status, starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1), chair=w.ivanova, created_by=w.ivanova, created_at=now - dt.timedelta(days=2),
        held_at=now - dt.timedelta(hours=1) if status != MeetingStatus.SCHEDULED else None,
    )  # fmt: skip


def start(w) -> Assessment:
    return services.assessment_start(ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova))


def contribute(w, user, assessment, entries, **kw):
    return services.contribution_save(
        ctx=ctx_for(user), access=acc(w, user), assessment=assessment, entries=entries, **kw
    )


SOCIAL = [
    EntryData(
        "basic_care",
        concerns="Детето често идва гладно.",
        needs="Подкрепа за семейството",
        level="significant",
    ),
    EntryData("housing", strengths="Собствено жилище", level="some"),
]
EDUCATION = [
    EntryData(
        "education",
        strengths="Обича математика",
        concerns="Отсъства често",
        needs="Ресурсен учител",
        level="significant",
    ),  # fmt: skip
    EntryData("emotional", concerns="Агресия към съученици", level="significant"),
]


def step(case, protocol, code):
    return CaseStep.objects.get(case=case, case_protocol__version__definition__code=protocol, step_code=code)


def test_two_sectors_formulation_at_meeting_and_completion_complete_protocol_steps(world):
    w = world
    steps_done_before(w.case, "multisector_assessment", "assessment_report", user=w.ivanova)
    a = start(w)
    assert a.number == 1 and a.status == AssessmentStatus.DRAFT
    social = contribute(w, w.ivanova, a, SOCIAL)
    education = contribute(w, w.petrov, a, EDUCATION)
    assert (social.sector, education.sector) == ("social", "education")
    assert social.sensitivity == education.sensitivity == Sensitivity.STANDARD
    assert education.entries.count() == 2

    m = meeting(w)
    a.refresh_from_db()
    services.formulation_save(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a, expected_version=a.version,
        hypothesis="Агресията в училище е реакция на несигурността у дома.", maintaining="Липса на рутина",
        communicating="„Вижте ме“", protective="Бабата, учителката по математика", meeting=m,
    )  # fmt: skip
    a.refresh_from_db()
    assert a.formulation_agreed and a.formulation_meeting == m

    services.assessment_complete(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a, expected_version=a.version
    )
    a.refresh_from_db()
    assert a.status == AssessmentStatus.COMPLETED and a.completed_by == w.ivanova
    assert step(w.case, "multisector", "multisector_assessment").status == StepStatus.DONE
    needs_steps = CaseStep.objects.filter(case=w.case, completed_by__in=["assessment_done[needs]"])
    assert needs_steps.exists() and all(s.status == StepStatus.DONE for s in needs_steps)
    assert AuditEvent.objects.filter(action="assessment.complete", object_id=str(a.pk)).exists()

    # A new version carries the contributions over; completing it supersedes the first.
    b = start(w)
    assert b.number == 2 and b.contributions.count() == 2 and not b.formulation_agreed
    services.assessment_complete(
        ctx=ctx_for(w.nikolova), access=acc(w, w.nikolova), assessment=b, expected_version=b.version
    )
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUPERSEDED and a.superseded_at is not None


def test_formulation_needs_a_held_meeting_of_the_same_case_and_the_lead(world):
    w = world
    a = start(w)
    scheduled = meeting(w, status=MeetingStatus.SCHEDULED)
    kw = dict(hypothesis="Хипотеза", maintaining="", communicating="", protective="")
    with pytest.raises(ValidationError) as e:
        services.formulation_save(
            ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a, expected_version=a.version,
            meeting=scheduled, **kw,
        )  # fmt: skip
    assert "meeting" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.formulation_save(
            ctx=ctx_for(w.petrov), access=acc(w, w.petrov), assessment=a, expected_version=a.version,
            meeting=meeting(w), **kw,
        )  # fmt: skip
    # Petrov may write the draft text.
    services.formulation_save(
        ctx=ctx_for(w.petrov), access=acc(w, w.petrov), assessment=a, expected_version=a.version, **kw
    )
    with pytest.raises(ConflictError):
        services.formulation_save(
            ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a, expected_version=1, **kw
        )


def test_only_lead_or_manager_complete_and_not_empty(world):
    w = world
    a = start(w)
    with pytest.raises(ValidationError):
        services.assessment_complete(
            ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a, expected_version=1
        )
    contribute(w, w.petrov, a, EDUCATION)
    with pytest.raises(PermissionDenied):
        services.assessment_complete(
            ctx=ctx_for(w.petrov), access=acc(w, w.petrov), assessment=a, expected_version=1
        )
    with pytest.raises(ValidationError):
        start(w)  # one draft at a time


def test_each_sector_writes_only_its_own_contribution_with_its_version(world):
    w = world
    a = start(w)
    with pytest.raises(PermissionDenied):
        contribute(w, w.petrov, a, EDUCATION, sector="health")
    c = contribute(w, w.petrov, a, EDUCATION)
    with pytest.raises(ValidationError):
        contribute(w, w.petrov, a, EDUCATION)  # an edit needs the version it was based on
    contribute(w, w.petrov, a, EDUCATION[:1], expected_version=c.version)
    with pytest.raises(ConflictError):
        contribute(w, w.petrov, a, EDUCATION, expected_version=c.version)  # stale
    with pytest.raises(ValidationError) as e:
        contribute(
            w, w.petrov, a, EDUCATION, expected_version=c.version + 1, sensitivity=Sensitivity.SENSITIVE
        )
    assert "sensitivity" in e.value.message_dict  # above his own level
    with pytest.raises(ValidationError) as e:
        contribute(w, w.petrov, a, [EntryData("nowhere", level="some"), EntryData("health", level="huge")],
                   expected_version=c.version + 1)  # fmt: skip
    assert "entries" in e.value.message_dict


def add_doctor(w):
    team_member_add(
        ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), user=w.dimitrova, organisation=w.hospital,
        sharing_level=Sensitivity.SENSITIVE,
    )  # fmt: skip


def test_health_contribution_is_sensitive_and_hidden_from_petrov(world, client):
    w = world
    add_doctor(w)
    a = start(w)
    health = contribute(
        w, w.dimitrova, a, [EntryData("health", concerns=SECRET, level=NeedLevel.SIGNIFICANT)]
    )
    assert health.sensitivity == Sensitivity.SENSITIVE
    contribute(w, w.petrov, a, EDUCATION)
    client.force_login(w.petrov)
    page = client.get(reverse("assessments:case", args=[w.case.pk])).content.decode()
    assert SECRET not in page
    assert 'class="restricted"' in page
    client.force_login(w.ivanova)
    page = client.get(reverse("assessments:case", args=[w.case.pk])).content.decode()
    assert SECRET in page
    # Petrov's print and PDF do not carry it either.
    client.force_login(w.petrov)
    pdf = client.get(reverse("assessments:pdf", args=[w.case.pk, a.pk]))
    assert SECRET not in pdf_text(pdf.content)


def test_pages_contribute_formulate_complete_history(world, client):
    w = world
    client.force_login(w.petrov)
    r = client.post(reverse("assessments:start", args=[w.case.pk]))
    assert r.status_code == 302
    a = Assessment.objects.get(case=w.case)
    url = reverse("assessments:contribute", args=[w.case.pk, a.pk])
    assert client.get(url).status_code == 200
    form = {"sensitivity": "2", "sources": "Наблюдение в клас", "version": ""}
    for d in ("health", "education", "emotional"):
        form.update({f"{d}-level": "none", f"{d}-strengths": "", f"{d}-concerns": "", f"{d}-needs": ""})
    from zaedno.assessments.domains import Domain

    for d in Domain.values:
        form.setdefault(f"{d}-level", "none")
    form.update({"education-level": "significant", "education-concerns": "Отсъства от училище"})
    r = client.post(url, form)
    assert r.status_code == 302, r.content.decode()[:2000]
    c = a.contributions.get()
    # A second tab with the old version: 409, nothing lost.
    form["version"] = str(c.version)
    assert client.post(url, form).status_code == 302
    r = client.post(url, form)
    assert r.status_code == 409
    page = client.get(reverse("assessments:case", args=[w.case.pk])).content.decode()
    assert "Отсъства от училище" in page and "need-significant" in page

    client.force_login(w.ivanova)
    m = meeting(w)
    a.refresh_from_db()
    r = client.post(
        reverse("assessments:formulation", args=[w.case.pk, a.pk]),
        {"version": a.version, "hypothesis": "Обща хипотеза", "maintaining": "", "communicating": "", "protective": "",
         "meeting": m.pk, "action": "agree"},
    )  # fmt: skip
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.formulation_agreed
    r = client.post(reverse("assessments:complete", args=[w.case.pk, a.pk]), {"version": a.version})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.COMPLETED
    page = client.get(reverse("assessments:history", args=[w.case.pk])).content.decode()
    assert reverse("assessments:detail", args=[w.case.pk, a.pk]) in page
    detail = client.get(reverse("cases:detail", args=[w.case.pk])).content.decode()
    assert "assessment-panel" in detail
    docs = client.get(reverse("documents:list", args=[w.case.pk]))
    if docs.status_code == 200:
        assert reverse("assessments:pdf", args=[w.case.pk, a.pk]) in docs.content.decode()


def test_pdf_has_cyrillic_and_contributors_sign(world, client):
    w = world
    a = start(w)
    contribute(w, w.ivanova, a, SOCIAL)
    contribute(w, w.petrov, a, EDUCATION)
    client.force_login(w.ivanova)
    r = client.get(reverse("assessments:pdf", args=[w.case.pk, a.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "Детето често идва гладно" in text
    assert "Петър Петров" in text and "Мария Иванова" in text
    assert client.get(reverse("assessments:print", args=[w.case.pk, a.pk])).status_code == 200


def test_history_page_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    w = world
    for _ in range(4):
        a = start(w)
        carried = a.contributions.filter(sector="social").first()  # from the previous version
        contribute(w, w.ivanova, a, SOCIAL, expected_version=carried.version if carried else None)
        services.assessment_complete(
            ctx=ctx_for(w.ivanova), access=acc(w, w.ivanova), assessment=a, expected_version=a.version
        )
    client.force_login(w.ivanova)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("assessments:history", args=[w.case.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("assessments:case", args=[w.case.pk])).status_code == 200


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_get_404_on_every_page(world, client, name):
    w = world
    a = start(w)
    contribute(w, w.ivanova, a, SOCIAL)
    client.force_login(getattr(w, name))
    gets = ["case", "history"]
    for url_name in gets:
        assert client.get(reverse(f"assessments:{url_name}", args=[w.case.pk])).status_code == 404
    for url_name in ("detail", "contribute", "formulation", "print", "pdf"):
        assert client.get(reverse(f"assessments:{url_name}", args=[w.case.pk, a.pk])).status_code == 404
    assert client.post(reverse("assessments:start", args=[w.case.pk])).status_code == 404
    assert (
        client.post(reverse("assessments:complete", args=[w.case.pk, a.pk]), {"version": 1}).status_code
        == 404
    )
    assert client.post(reverse("assessments:contribute", args=[w.case.pk, a.pk]), {}).status_code == 404
    # Same answer as for a case that does not exist.
    assert client.get(reverse("assessments:case", args=[999999])).status_code == 404
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT and Assessment.objects.filter(case=w.case).count() == 1


def test_assessment_of_another_case_is_404(world, client):
    from zaedno.core.testing import open_case

    w = world
    other = open_case(w, w.child)
    a = start(w)
    client.force_login(w.ivanova)
    assert client.get(reverse("assessments:detail", args=[other.pk, a.pk])).status_code == 404
