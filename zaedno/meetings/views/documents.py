"""The meeting as documents: its calendar file, and the minutes as a print page and a PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zaedno.documents.pdf import pdf_filename, pdf_response
from zaedno.meetings import queries
from zaedno.meetings.ics import PUBLISH
from zaedno.meetings.ics import meeting_ics as ics_bytes
from zaedno.meetings.models import Attendance, MeetingStatus
from zaedno.meetings.services import confirmation_scope
from zaedno.meetings.views.meetings import _access


@login_required
def meeting_ics(request, case_id, meeting_id):
    """Download the meeting for one's own calendar (no child's name in it)."""
    _ctx, access = _access(request, case_id, action="meeting.ics")
    meeting = queries.case_meeting(access, meeting_id)
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else PUBLISH
    response = HttpResponse(ics_bytes(meeting, method=method), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "no-store"
    return response


def _minutes_context(access, meeting) -> dict:
    participants = list(meeting.participants.all())
    for p in participants:
        p.scope = confirmation_scope(p, meeting) if p.confirmed_at else ""
    signers = [
        {
            "name": p.display_name,
            "role": p.user.get_profession_display() if p.user_id else p.get_role_display(),
            "organisation": p.organisation or "",
            "date": timezone.localtime(p.confirmed_at).strftime("%d.%m.%Y") if p.confirmed_at else "",
        }
        for p in participants
        if p.attendance == Attendance.PRESENT
    ]
    return {
        "access": access,
        "case": access.case,
        "meeting": meeting,
        "participants": participants,
        "decisions": queries.meeting_decisions(access, meeting),
        "addenda": queries.meeting_addenda(meeting) if meeting.minutes_visible else [],
        "signers": signers,
        "blank_rows": "",
    }


@login_required
def minutes_print(request, case_id, meeting_id):
    """The minutes as they print (the same template as the PDF)."""
    _ctx, access = _access(request, case_id, action="meeting.minutes.print")
    meeting = queries.case_meeting(access, meeting_id)
    context = {**_minutes_context(access, meeting), "now": timezone.now(), "for_pdf": False}
    return render(request, "meetings/minutes_print.html", context)


@login_required
def minutes_pdf(request, case_id, meeting_id):
    _ctx, access = _access(request, case_id, action="meeting.minutes.pdf")
    meeting = queries.case_meeting(access, meeting_id)
    day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    return pdf_response(
        "meetings/minutes_print.html",
        _minutes_context(access, meeting),
        request=request,
        filename=pdf_filename("minutes", access.case.number, day),
    )
