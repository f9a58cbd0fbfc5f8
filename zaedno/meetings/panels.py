"""Panels this app shows on shared pages (see zaedno/core/panels.py): the case page card, the
decisions section of "my work", decision counts on the compliance page, and the minutes among
the case's documents."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zaedno.meetings import queries
from zaedno.meetings.models import Decision, MeetingStatus


def case_panel(access, now):
    """Next meeting, open and overdue decisions, links (one query)."""
    return {
        "template": "meetings/_case_panel.html",
        **queries.case_summary(access, now),
        "case": access.case,
        "can_write": access.can_write,
    }


def work_panel(user, now):
    """The "Decisions I am responsible for" section and, for case leads, overdue decisions others owe (two
    queries whatever the numbers); None when there is nothing."""
    work = queries.my_decisions(user, now)
    if not work:
        return None
    return {"template": "meetings/_work_panel.html", "work": work}


def compliance_panel(user, organisations, municipalities, now):
    """Decision counts — no child's data — for the cases each organisation leads and for the
    decisions it owes: those assigned to it and those of its professionals."""
    if not organisations:
        return None
    names = {pk: str(o) for pk, o in organisations.items()}
    base = Decision.objects.all()
    led = queries.decision_compliance(
        base.filter(case__lead_organisation_id__in=names), "case__lead_organisation_id", now
    )
    # The organisation's own decisions and its professionals' (the responsible person's org).
    owned = queries.decision_compliance(
        base.annotate(owner_organisation=queries.decision_owner_organisation()).filter(
            owner_organisation__in=names
        ),
        "owner_organisation",
        now,
    )
    if not led and not owned:
        return None

    def rows(counts):
        return [
            {"name": names[pk], "cells": cells, "total": sum(cells)}
            for pk, cells in sorted(counts.items(), key=lambda kv: names[kv[0]])
        ]

    return {
        "template": "meetings/_compliance_panel.html",
        "states": queries.COMPLIANCE_STATES,
        "led": rows(led),
        "owned": rows(owned),
    }


def documents(access) -> list[dict]:
    """Printable documents of the case: the minutes of held and locked meetings."""
    meetings = queries.held_meetings(access.case)
    return [
        {
            "title": _("Minutes: %(kind)s") % {"kind": m.get_kind_display()},
            "note": _("confirmed and locked")
            if m.status == MeetingStatus.LOCKED
            else _("awaiting confirmation"),
            "date": m.starts_at,
            "url": reverse("meetings:print", args=[access.case.pk, m.pk]),
            "pdf_url": reverse("meetings:pdf", args=[access.case.pk, m.pk]),
        }
        for m in meetings
    ]
