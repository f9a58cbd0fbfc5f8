"""Every document, PDF, snapshot and export of a case works for a child known only by the fields
the law requires: no settlement, no middle name, no ЕГН or ЛНЧ, no address, a case with no
summary. A child whose settlement nobody knows is a normal case at intake, not an error."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zaedno.api.tests.conftest import client_for as api_client_for
from zaedno.assessments import services as assessment_services
from zaedno.assessments.services import EntryData
from zaedno.cases.access import access_for
from zaedno.cases.models import Case
from zaedno.children.models import Child
from zaedno.core.panels import case_documents
from zaedno.core.testing import build_world, ctx_for
from zaedno.documents.testing import pdf_text
from zaedno.plans.tests.helpers import agreed_plan
from zaedno.referrals import services as referral_services
from zaedno.referrals.models import LegalBasis, SharedSection, Urgency
from zaedno.referrals.tests.conftest import make_service
from zaedno.tools.models import ToolKind
from zaedno.tools.tests.conftest import make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(protocols, clock):
    clock.set(2026, 5, 20, 11, 0)
    w = build_world()
    Child.objects.filter(pk=w.child.pk).update(
        settlement=None, middle_name="", egn=None, lnch=None, address="", created_by_organisation=None
    )
    Case.objects.filter(pk=w.case.pk).update(summary="")
    w.child.refresh_from_db()
    w.case.refresh_from_db()
    return w


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_referral_with_every_section_for_a_child_without_settlement(world):
    service = make_service(world.cop, "ЦОП — консултиране")
    referral = referral_services.referral_send(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), service=service,
        reason="Нужда от подкрепа.", urgency=Urgency.URGENT, sections=[s.value for s in SharedSection],
        legal_basis=LegalBasis.ZZD_ART11,
    )  # fmt: skip
    identity = next(s for s in referral.snapshot if s["section"] == "identity")
    text = str(identity)
    assert "Георги Стефанов" in text
    assert "None" not in text
    address = next(i for i in identity["items"] if i["label"] == "Адрес")
    assert address["text"] == "не е известен"
    summary = next(s for s in referral.snapshot if s["section"] == "summary")
    assert "None" not in str(summary)
    # The sender's page and the receiving service's page show the snapshot.
    sender = client_for(world.ivanova).get(reverse("referrals:detail", args=[world.case.pk, referral.pk]))
    assert sender.status_code == 200
    receiver = client_for(world.stoyanov).get(reverse("referrals:incoming_detail", args=[referral.pk]))
    assert receiver.status_code == 200
    assert "Георги Стефанов" in receiver.content.decode()


def test_every_document_and_pdf_for_a_child_without_optional_fields(world):
    assessment = assessment_services.assessment_start(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case)
    )
    assessment_services.contribution_save(
        ctx=ctx_for(world.ivanova), access=access_for(world.ivanova, world.case), assessment=assessment,
        entries=[EntryData("basic_care", concerns="Детето често идва гладно.", level="significant")],
    )  # fmt: skip
    agreed_plan(world)  # with a held meeting: its minutes are a document too
    for kind in ToolKind:
        make_tool(world, kind)
    documents = case_documents(access_for(world.ivanova, world.case))
    assert len(documents) >= 4
    c = client_for(world.ivanova)
    for document in documents:
        page = c.get(document["url"])
        assert page.status_code == 200, document["url"]
        assert "None" not in page.content.decode(), document["url"]
        if document.get("pdf_url"):
            pdf = c.get(document["pdf_url"])
            assert pdf.status_code == 200, document["pdf_url"]
            assert world.case.number in pdf_text(pdf.content), document["pdf_url"]
    sheet = c.get(reverse("documents:family_sheet_pdf", args=[world.case.pk]))
    assert sheet.status_code == 200


def test_pages_and_exports_for_a_child_without_optional_fields(world):
    c = client_for(world.ivanova)
    for url in (
        reverse("cases:detail", args=[world.case.pk]),
        reverse("children:detail", args=[world.child.pk]),
        reverse("children:edit", args=[world.child.pk]),
        reverse("documents:list", args=[world.case.pk]),
        reverse("documents:family_sheet", args=[world.case.pk]),
    ):
        assert c.get(url).status_code == 200, url
    export = c.get(reverse("cases:export"))
    assert export.status_code == 200
    assert "Георги Стефанов" in export.content.decode("utf-8-sig")
    api = api_client_for(world.ivanova)
    for url in (f"/api/v1/children/{world.child.pk}/", f"/api/v1/cases/{world.case.pk}/"):
        response = api.get(url)
        assert response.status_code == 200, url
    assert api.get(f"/api/v1/children/{world.child.pk}/").json()["settlement"] is None
