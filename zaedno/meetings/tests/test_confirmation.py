"""Everyone present confirms the minutes, or is told why not (issue 12, item 5).

A professional present whose sharing level is below the minutes' sensitivity confirms the part
they may read (the meeting's details, attendance and the decisions within their level); one who
can no longer open the case (left the team) has their oral confirmation recorded by the chair,
with who, when and how. The lock waits for each of them; the page shows who confirmed what.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from zaedno.audit.models import AuditEvent
from zaedno.cases.access import access_for
from zaedno.cases.models import Sensitivity, TeamMember
from zaedno.cases.services import team_member_add, team_member_remove
from zaedno.core.testing import PASSWORD, ctx_for
from zaedno.meetings import services
from zaedno.meetings.models import Attendance, MeetingStatus, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def acc(world, name="ivanova"):
    return access_for(getattr(world, name), world.case)


def ctx(world, name="ivanova"):
    return ctx_for(getattr(world, name))


def held(world, schedule, clock, *, sensitivity=Sensitivity.SENSITIVE, members=None):
    meeting = schedule(members=members)
    clock.set(2026, 5, 22, 11, 30)
    entries = {
        p.pk: (Attendance.PRESENT if p.user_id else Attendance.EXCUSED, "")
        for p in meeting.participants.all()
    }
    services.meeting_attendance_record(ctx=ctx(world), access=acc(world), meeting=meeting, entries=entries)
    meeting.refresh_from_db()
    services.meeting_minutes_save(
        ctx=ctx(world), access=acc(world), meeting=meeting, expected_version=meeting.version,
        minutes="Полицията докладва за насилие у дома.", sensitivity=sensitivity,
    )  # fmt: skip
    return services.meeting_hold(ctx=ctx(world), access=acc(world), meeting=meeting)


def by_user(confirmers):
    return {p.user.username: p for p in confirmers}


def test_a_member_below_the_minutes_level_confirms_the_part_they_may_read(world, schedule, clock):
    meeting = held(world, schedule, clock)
    confirmers = by_user(services.minutes_confirmers(meeting))
    # petrov (standard) is not left out: he is asked to confirm the part he may read.
    assert set(confirmers) == {"ivanova", "petrov"}
    assert confirmers["ivanova"].scope == services.SCOPE_FULL
    assert confirmers["petrov"].scope == services.SCOPE_PART
    meeting = services.minutes_confirm(ctx=ctx(world), access=acc(world), meeting=meeting)
    assert meeting.status == MeetingStatus.HELD  # the lock waits for petrov
    meeting = services.minutes_confirm(ctx=ctx(world, "petrov"), access=acc(world, "petrov"), meeting=meeting)
    assert meeting.status == MeetingStatus.LOCKED
    petrov = Participant.objects.get(meeting=meeting, user=world.petrov)
    assert petrov.confirmed_level == Sensitivity.STANDARD and petrov.confirmed_by == world.petrov
    ivanova = Participant.objects.get(meeting=meeting, user=world.ivanova)
    assert ivanova.confirmed_level == Sensitivity.SENSITIVE
    event = AuditEvent.objects.filter(action="meeting.confirm", actor_id=world.petrov.pk).get()
    assert event.details["scope"] == services.SCOPE_PART


def test_the_chair_records_the_oral_confirmation_of_someone_who_left_the_team(world, schedule, clock):
    stoyanov = team_member_add(
        ctx=ctx(world), access=acc(world), user=world.stoyanov, organisation=world.cop,
        sharing_level=Sensitivity.SENSITIVE,
    )  # fmt: skip
    meeting = held(world, schedule, clock, members=[world.petrov, world.stoyanov])
    team_member_remove(ctx=ctx(world), access=acc(world), member=stoyanov, reason="Смяна на работата.")
    confirmers = by_user(services.minutes_confirmers(meeting))
    assert confirmers["stoyanov"].scope == services.SCOPE_ORAL
    for name in ("ivanova", "petrov"):
        meeting = services.minutes_confirm(ctx=ctx(world, name), access=acc(world, name), meeting=meeting)
    assert meeting.status == MeetingStatus.HELD  # still waits for stoyanov
    participant = Participant.objects.get(meeting=meeting, user=world.stoyanov)
    # Only the chair (or the case lead) records it, only for someone who cannot confirm, with how.
    with pytest.raises(PermissionDenied):
        services.minutes_confirm_oral(
            ctx=ctx(world, "petrov"), access=acc(world, "petrov"), meeting=meeting, participant=participant,
            note="Прочетено на срещата.",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.minutes_confirm_oral(
            ctx=ctx(world), access=acc(world), meeting=meeting, participant=participant, note=" "
        )
    petrov = Participant.objects.get(meeting=meeting, user=world.petrov)
    with pytest.raises(ValidationError):  # petrov can confirm himself (he already did)
        services.minutes_confirm_oral(
            ctx=ctx(world), access=acc(world), meeting=meeting, participant=petrov, note="Прочетено."
        )
    meeting = services.minutes_confirm_oral(
        ctx=ctx(world), access=acc(world), meeting=meeting, participant=participant,
        note="Протоколът беше прочетен в края на срещата; потвърди устно.",
    )  # fmt: skip
    assert meeting.status == MeetingStatus.LOCKED
    participant.refresh_from_db()
    assert participant.confirmed_by == world.ivanova and participant.confirmed_at is not None
    assert "прочетен" in participant.confirmation_note
    assert AuditEvent.objects.filter(action="meeting.confirm.oral", object_id=meeting.pk).exists()


def test_a_change_of_the_minutes_takes_back_every_kind_of_confirmation(world, schedule, clock):
    meeting = held(world, schedule, clock)
    services.minutes_confirm(ctx=ctx(world, "petrov"), access=acc(world, "petrov"), meeting=meeting)
    meeting.refresh_from_db()
    services.meeting_minutes_save(
        ctx=ctx(world), access=acc(world), meeting=meeting, expected_version=meeting.version,
        minutes="Допълнено.", sensitivity=Sensitivity.SENSITIVE,
    )  # fmt: skip
    petrov = Participant.objects.get(meeting=meeting, user=world.petrov)
    assert petrov.confirmed_at is None and petrov.confirmed_level is None and petrov.confirmed_by is None


def test_the_page_shows_who_confirmed_what_and_who_waits_and_why(client, world, schedule, clock):
    stoyanov = team_member_add(
        ctx=ctx(world), access=acc(world), user=world.stoyanov, organisation=world.cop,
        sharing_level=Sensitivity.SENSITIVE,
    )  # fmt: skip
    meeting = held(world, schedule, clock, members=[world.petrov, world.stoyanov])
    team_member_remove(ctx=ctx(world), access=acc(world), member=stoyanov, reason="Смяна на работата.")
    services.minutes_confirm(ctx=ctx(world), access=acc(world), meeting=meeting)
    url = reverse("meetings:detail", args=[world.case.pk, meeting.pk])
    assert client.login(username="petrov", password=PASSWORD)
    html = client.get(url).content.decode()
    assert 'data-confirmation="ivanova" data-scope="full" data-state="confirmed"' in html
    assert 'data-confirmation="petrov" data-scope="part" data-state="waiting"' in html
    assert 'data-confirmation="stoyanov" data-scope="oral" data-state="waiting"' in html
    # petrov's button confirms the part he may read.
    assert 'name="scope" value="part"' in html
    assert client.post(reverse("meetings:confirm", args=[world.case.pk, meeting.pk])).status_code == 302
    html = client.get(url).content.decode()
    assert 'data-confirmation="petrov" data-scope="part" data-state="confirmed"' in html
    # The chair records stoyanov's oral confirmation from the page.
    assert client.login(username="ivanova", password=PASSWORD)
    html = client.get(url).content.decode()
    oral_url = reverse("meetings:confirm_oral", args=[world.case.pk, meeting.pk])
    assert f'action="{oral_url}"' in html
    participant = Participant.objects.get(meeting=meeting, user=world.stoyanov)
    response = client.post(
        oral_url, {"participant": participant.pk, "note": "Прочетено на срещата, съгласен."}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert 'data-confirmation="stoyanov" data-scope="oral" data-state="confirmed"' in html
    assert "Прочетено на срещата, съгласен." in html
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.LOCKED
    assert not TeamMember.objects.filter(user=world.stoyanov, case=world.case, left_at__isnull=True).exists()
