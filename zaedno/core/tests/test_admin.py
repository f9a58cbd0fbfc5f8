"""The admin site carries reference data and accounts, never case content."""

from django.contrib import admin

from zaedno.audit.models import AuditEvent
from zaedno.cases.models import BreakGlassAccess, Case, CaseNote, LeadHandover, TeamMember, TimelineEntry
from zaedno.children.models import Child, Relative
from zaedno.signals.models import Signal, SignalRoute


def test_no_case_content_in_admin():
    for model in (
        Case,
        Signal,
        SignalRoute,
        LeadHandover,
        TeamMember,
        CaseNote,
        TimelineEntry,
        BreakGlassAccess,
        Child,
        Relative,
        AuditEvent,
    ):
        assert not admin.site.is_registered(model), model
