"""A settable clock for writing history: services run "in the past" so timelines look lived-in.

The demo data set is written through the real services, which stamp everything with
``timezone.now()``. While :func:`back_dated` is active that function returns the time the clock
is set to, so a case opened "fourteen months ago" has its opening, its timeline entries and its
audit events all at that moment — written in chronological order, the audit chain stays in
order too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone

_real_now = timezone.now


class Clock:
    """Returns ``at`` when set, the real time otherwise."""

    def __init__(self) -> None:
        self.at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self.at if self.at is not None else _real_now()


@contextlib.contextmanager
def back_dated(clock: Clock) -> Iterator[Clock]:
    """Make ``django.utils.timezone.now`` (and so every service and auto_now field) follow ``clock``."""
    with mock.patch.object(timezone, "now", clock.now):
        yield clock
