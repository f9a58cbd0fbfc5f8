"""Background work of protocols, run by the worker (``zaedno worker``; the demo runs it in-process)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from zaedno.protocols.scan import deadline_scan


@task()
def deadline_scan_task() -> str:
    """Send the reminders, deadline notices and escalations that are due now (protocol steps,
    then meeting decisions)."""
    from zaedno.episodes.scan import moves_window_scan
    from zaedno.imports.scan import interrupted_scan
    from zaedno.meetings.scan import decision_scan
    from zaedno.referrals.scan import referral_scan
    from zaedno.resources.scan import stale_scan
    from zaedno.signals.scan import signal_scan

    now = timezone.now()
    return (
        f"{signal_scan(now)}; {deadline_scan(now)}; {decision_scan(now)}; {referral_scan(now)}; "
        f"{stale_scan(now)}; {moves_window_scan(now)}; {interrupted_scan(now)}"
    )
