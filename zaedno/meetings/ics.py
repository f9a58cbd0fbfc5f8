"""The meeting as an iCalendar file (RFC 5545), attached to invitations and downloadable.

Calendars are synchronised to phones and shared with assistants, so the event names only the
case number and the kind of meeting — never the child. The UID is stable per meeting and the
SEQUENCE grows with each change sent, so calendar programs update or cancel the same event.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from zaedno.meetings.models import Meeting, MeetingStatus

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.ZAEDNO_BASE_URL).hostname or "zaedno.local"
    return f"zaedno-meeting-{meeting.pk}@{host}"


def meeting_summary(meeting: Meeting) -> str:
    """``Случай VTR04-2026-00001: case conference: initial`` — no child's name."""
    return _("Case %(number)s: %(kind)s") % {
        "number": meeting.case.number,
        "kind": meeting.get_kind_display(),
    }


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    return address


def meeting_ics(meeting: Meeting, *, method: str = REQUEST, attendees: list[tuple[str, str]] = ()) -> bytes:
    """The calendar file; ``attendees`` are (e-mail, name) pairs. Written in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        cal = Calendar()
        cal.add("prodid", "-//Zaedno//meetings//BG")
        cal.add("version", "2.0")
        cal.add("method", method)
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("sequence", meeting.ics_sequence)
        event.add("dtstamp", timezone.now().astimezone(dt.UTC))
        event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
        event.add("summary", meeting_summary(meeting))
        if meeting.place:
            event.add("location", meeting.place)
        chair = meeting.chair
        event.add(
            "organizer",
            _address(chair.email or settings.DEFAULT_FROM_EMAIL, chair.get_full_name() or chair.username),
        )
        for email, name in attendees:
            address = _address(email, name)
            address.params["role"] = vText("REQ-PARTICIPANT")
            address.params["partstat"] = vText("NEEDS-ACTION")
            event.add("attendee", address, encode=0)
        cancelled = method == CANCEL or meeting.status == MeetingStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("description", _("Details for the team: %(url)s") % {"url": meeting_link(meeting)})
        cal.add_component(event)
        return cal.to_ical()


def meeting_link(meeting: Meeting) -> str:
    from django.urls import reverse

    return settings.ZAEDNO_BASE_URL + reverse("meetings:detail", args=[meeting.case_id, meeting.pk])
