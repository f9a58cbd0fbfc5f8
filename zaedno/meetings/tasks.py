"""Background work of meetings: the invitations with their calendar file, sent after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from zaedno.meetings.ics import CANCEL, meeting_ics, meeting_link, meeting_summary
from zaedno.meetings.models import Meeting


def _recipients(meeting: Meeting, participant_ids: list[int] | None) -> list[tuple[str, str, bool]]:
    """(e-mail, name, is a user) of the participants to write to, each address once."""
    out, seen = [], set()
    for p in meeting.participants.select_related("user").order_by("id"):
        if participant_ids is not None and p.pk not in participant_ids:
            continue
        email = (p.user.email if p.user_id else p.email).strip()
        if email and email.lower() not in seen and (not p.user_id or p.user.is_active):
            seen.add(email.lower())
            out.append((email, p.display_name, bool(p.user_id)))
    return out


@task()
def meeting_invitations(
    meeting_id: int, method: str = "REQUEST", participant_ids: list[int] | None = None
) -> int:
    """E-mail the invitation (or its update, or the cancellation) with the .ics file; returns how many.

    The e-mail, like the calendar event, names the case number and the kind of meeting, not the
    child: mailboxes are read on shared devices.
    """
    meeting = Meeting.objects.select_related("case", "chair").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    recipients = _recipients(meeting, participant_ids)
    if not recipients:
        return 0
    everyone = _recipients(meeting, None)
    # The file lists the professionals only: a parent's or the child's name does not travel in the
    # calendar data of every invitee (they still get their own e-mail).
    ics = meeting_ics(meeting, method=method, attendees=[(e, n) for e, n, is_user in everyone if is_user])
    with translation.override(settings.LANGUAGE_CODE):
        summary = meeting_summary(meeting)
        when = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M")
        until = timezone.localtime(meeting.ends_at).strftime("%H:%M")
        if method == CANCEL:
            subject = _("Cancelled: %(summary)s, %(when)s") % {"summary": summary, "when": when}
            lines = [_("The meeting of %(when)s is cancelled.") % {"when": when}]
            if meeting.cancel_reason:
                lines.append(_("Reason: %(reason)s") % {"reason": meeting.cancel_reason})
        else:
            prefix = _("Invitation") if meeting.ics_sequence == 0 else _("Changed")
            subject = f"{prefix}: {summary}, {when}"
            lines = [
                _("You are invited to a meeting about case %(number)s.") % {"number": meeting.case.number},
                _("When: %(when)s – %(until)s") % {"when": when, "until": until},
            ]
            if meeting.place:
                lines.append(_("Where: %(place)s") % {"place": meeting.place})
            lines.append(
                _("Chair: %(name)s") % {"name": meeting.chair.get_full_name() or meeting.chair.username}
            )
        content_type = f"text/calendar; method={method}"
        sent = 0
        for email, _name, is_user in recipients:
            body = list(lines)
            if is_user:
                body.append(_("Sign in to see the agenda: %(url)s") % {"url": meeting_link(meeting)})
            message = EmailMessage(subject=f"[Заедно] {subject}", body="\n".join(body), to=[email])
            message.attach("invite.ics" if method != CANCEL else "cancel.ics", ics, content_type)
            message.send()
            sent += 1
    return sent
