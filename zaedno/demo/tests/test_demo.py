"""``zaedno demo --no-serve``: the Veliko Tarnovo data set, its personas, and a rerun that reuses it."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from stdnum.bg import egn as stdnum_egn
from stdnum.bg import pnf as stdnum_pnf

from zaedno.accounts.models import Membership, Role, User
from zaedno.audit.models import AuditEvent
from zaedno.audit.services import audit_verify
from zaedno.cases.models import (
    BreakGlassAccess,
    Case,
    CaseNote,
    CaseStatus,
    NoteSection,
    Signal,
    SignalCategory,
    TeamMember,
    TimelineEntry,
)
from zaedno.children.identifiers import egn_birth_date, egn_sex
from zaedno.children.models import Child, Relative
from zaedno.organisations.models import Organisation, OrganisationKind, Sector

PERSONAS = ["ivanova", "petrov", "georgieva", "dimitrova", "stoyanov", "nikolova", "koleva", "todorov", "angelova", "admin"]  # fmt: skip


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def membership(username):
    return Membership.objects.select_related("organisation", "organisation__municipality").get(
        user__username=username
    )


@pytest.mark.django_db
def test_demo_loads_personas_organisations_children_and_cases():
    output = run_demo()

    # The logins and the password are printed.
    for username in PERSONAS:
        assert f"  {username} " in output
    assert settings.ZAEDNO_DEMO_PASSWORD in output
    for username in PERSONAS:
        assert authenticate(username=username, password=settings.ZAEDNO_DEMO_PASSWORD) is not None

    # Organisations of every sector in the oblast.
    assert Organisation.objects.count() >= 12
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Sector.values)
    assert set(Organisation.objects.values_list("municipality__oblast_id", flat=True)) == {"VTR"}

    # Who is who.
    ivanova = membership("ivanova")
    assert (ivanova.organisation.kind, ivanova.organisation.municipality_id) == (
        OrganisationKind.OZD,
        "VTR04",
    )
    assert membership("petrov").organisation.kind == OrganisationKind.SCHOOL
    assert membership("petrov").organisation.municipality_id == "VTR04"
    assert membership("georgieva").organisation.kind == OrganisationKind.DPS
    assert membership("dimitrova").user.profession == "doctor"
    assert membership("stoyanov").organisation.kind == OrganisationKind.COP
    nikolova = membership("nikolova")
    assert (nikolova.role, nikolova.organisation_id) == (Role.MANAGER, ivanova.organisation_id)
    assert membership("koleva").organisation.kind == OrganisationKind.NGO
    assert membership("todorov").organisation.kind == OrganisationKind.MUNICIPALITY
    angelova = membership("angelova")
    assert (angelova.organisation.kind, angelova.organisation.municipality_id) == (
        OrganisationKind.SCHOOL,
        "VTR06",
    )
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert membership("admin").role == Role.ADMINISTRATOR

    # Children: valid identifiers that agree with birth date and sex; some without.
    children = list(Child.objects.all())
    assert len(children) >= 40
    with_egn = [c for c in children if c.egn]
    assert len(with_egn) < len(children)
    for c in with_egn:
        assert stdnum_egn.is_valid(c.egn)
        assert egn_birth_date(c.egn) == c.birth_date and egn_sex(c.egn) == c.sex
    foreign = [c for c in children if c.lnch]
    assert len(foreign) == 1 and stdnum_pnf.is_valid(foreign[0].lnch)
    assert all(c.settlement.municipality.oblast_id == "VTR" for c in children)
    assert Relative.objects.filter(has_parental_rights=True).count() >= len(children)

    # Cases at every stage, with teams across sectors and timelines over the last 18 months.
    assert Case.objects.count() >= 40
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert AuditEvent.objects.filter(action="case.status.open").exists(), "some cases were reopened"
    assert set(Signal.objects.values_list("category", flat=True)) == set(SignalCategory.values)
    assert set(CaseNote.objects.values_list("section", flat=True)) == set(NoteSection.values)
    multisector = Case.objects.annotate(sectors=Count("team__organisation__sector", distinct=True)).filter(
        sectors__gte=3
    )
    assert multisector.count() >= 20
    assert set(TeamMember.objects.values_list("sharing_level", flat=True)) == {1, 2, 3}
    assert TeamMember.objects.filter(left_at__isnull=False).exists()
    now = timezone.now()
    assert Case.objects.filter(opened_at__lt=now - dt.timedelta(days=365)).exists()
    assert Case.objects.filter(opened_at__gt=now - dt.timedelta(days=60)).exists()
    assert not TimelineEntry.objects.filter(at__gt=now).exists()
    assert min(Case.objects.annotate(n=Count("timeline")).values_list("n", flat=True)) >= 4

    # The personas' places in the teams.
    ivanova_cases = set(TeamMember.objects.filter(user__username="ivanova").values_list("case_id", flat=True))
    assert Case.objects.filter(lead__username="ivanova").count() >= 5
    assert TeamMember.objects.filter(case_id__in=ivanova_cases, user__username="petrov").count() >= 2
    assert not TeamMember.objects.filter(case_id__in=ivanova_cases, user__username="angelova").exists()
    assert TeamMember.objects.filter(user__username="angelova").exists()
    assert BreakGlassAccess.objects.filter(user__username="georgieva").count() == 2

    # Written through the services: the audit chain is whole and says who did what.
    assert audit_verify().ok
    assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
    assert AuditEvent.objects.filter(action="case.view", actor_username="nikolova").exists()


@pytest.mark.django_db
def test_demo_rerun_reuses_the_data():
    run_demo()
    counts = (Child.objects.count(), Case.objects.count(), User.objects.count(), AuditEvent.objects.count())
    output = run_demo()
    assert "Reusing the demo data" in output
    assert (
        Child.objects.count(),
        Case.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    # A changed ZAEDNO_DEMO_PASSWORD is what the next run prints, so it must be what works.
    with override_settings(ZAEDNO_DEMO_PASSWORD="another-demo-pass"):
        output = run_demo()
        assert "another-demo-pass" in output
    assert authenticate(username="petrov", password="another-demo-pass") is not None
