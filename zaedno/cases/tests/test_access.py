"""Need-to-know: who sees a case, at which level, and what outsiders never see."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import Via, access_for, case_for_user, visible_cases
from zaedno.cases.models import BreakGlassAccess, Sensitivity
from zaedno.cases.queries import case_notes, case_timeline
from zaedno.cases.services import break_glass_open, team_member_remove
from zaedno.core.testing import ctx_for
from zaedno.signals.queries import case_signals

pytestmark = pytest.mark.django_db


def test_lead_member_and_manager_see_the_case(world):
    for user in (world.ivanova, world.petrov, world.nikolova):
        assert world.case in visible_cases(user)
        assert case_for_user(user, world.case.pk, ctx=ctx_for(user)).case == world.case
    assert access_for(world.ivanova, world.case).via == Via.LEAD
    assert access_for(world.petrov, world.case).via == Via.MEMBER
    assert access_for(world.nikolova, world.case).via == Via.MANAGER


@pytest.mark.parametrize("name", ["georgieva", "angelova", "dimitrova", "koleva", "todorov", "admin"])
def test_outsiders_get_404_and_no_trace(world, name):
    user = getattr(world, name)
    assert not visible_cases(user).exists()
    with pytest.raises(Http404):
        case_for_user(user, world.case.pk, ctx=ctx_for(user))
    # The same answer as for a case that does not exist.
    with pytest.raises(Http404):
        case_for_user(user, 999999, ctx=ctx_for(user))


def test_former_member_loses_access(world):
    team_member_remove(
        ctx=ctx_for(world.ivanova), access=world.lead_access, member=world.petrov_member, reason="Преместен"
    )
    assert world.case not in visible_cases(world.petrov)
    with pytest.raises(Http404):
        case_for_user(world.petrov, world.case.pk, ctx=ctx_for(world.petrov))


def test_sensitive_sections_follow_sharing_level(world):
    member = access_for(world.petrov, world.case)
    assert member.level == Sensitivity.STANDARD
    notes = {n.section for n in case_notes(member)}
    assert notes == {"general", "education"}
    assert all("ТАЙНО-VIOLENCE" not in e.summary for e in case_timeline(member))
    assert not case_signals(member)[0].sees_content and not case_signals(member)[0].sees_reporter
    lead = access_for(world.ivanova, world.case)
    assert {n.section for n in case_notes(lead)} == {"general", "education", "violence", "health"}
    assert case_signals(lead)[0].sees_content and "ТАЙНО-СИГНАЛ" in case_signals(lead)[0].signal.description


def test_break_glass_needs_reason_expires_and_is_flagged(world):
    with pytest.raises(ValidationError):
        break_glass_open(ctx=ctx_for(world.georgieva), case=world.case, reason="")
    with pytest.raises(ValidationError):
        break_glass_open(ctx=ctx_for(world.georgieva), case=world.case, reason="спешно")
    grant = break_glass_open(
        ctx=ctx_for(world.georgieva),
        case=world.case,
        reason="Детето е задържано през нощта, търсим близките му.",
    )
    access = case_for_user(world.georgieva, world.case.pk, ctx=ctx_for(world.georgieva))
    assert access.via == Via.BREAK_GLASS
    assert grant.reviewed_at is None  # flagged for review
    assert world.ivanova.notifications.filter(kind="case.break_glass").exists()
    read = AuditEvent.objects.filter(
        case_id=world.case.pk, action="case.view", actor_id=world.georgieva.pk
    ).last()
    assert read.reason.startswith("Детето е задържано")
    BreakGlassAccess.objects.filter(pk=grant.pk).update(
        granted_at=timezone.now() - dt.timedelta(hours=10),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    with pytest.raises(Http404):
        case_for_user(world.georgieva, world.case.pk, ctx=ctx_for(world.georgieva))
    assert world.case not in visible_cases(world.georgieva)


def test_school_staff_cannot_break_the_glass(world):
    with pytest.raises(PermissionDenied):
        break_glass_open(
            ctx=ctx_for(world.angelova), case=world.case, reason="Искам да видя случая на това дете."
        )
