"""Deadlines in Bulgarian time: plain hours, calendar days and working days.

Working days skip Saturdays, Sundays and the official public holidays of Bulgaria, taken from
the maintained ``holidays`` package (never a hand-typed list). Under the Labour Code (чл. 154) a
holiday falling on a Saturday or Sunday moves to the next working day (Easter excepted); the
package returns those as "(observed)" days, and also the extra non-working days the Council of
Ministers declares, so both are skipped. Days the government makes working Saturdays
(отработване) are not known to the package and count as weekend.

Calendar and working-day deadlines keep the wall-clock time of the start in the configured zone
(Europe/Sofia), so a deadline across a daylight-saving change does not drift by an hour; hour
deadlines are exact elapsed hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("BG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def _local(start: datetime) -> datetime:
    if timezone.is_naive(start):
        raise ValueError("deadlines need an aware datetime")
    return start.astimezone(ZoneInfo(settings.TIME_ZONE))


def _same_wall_time(local: datetime, day: date) -> datetime:
    # Rebuilding from the wall time (rather than adding a timedelta) keeps 09:00 at 09:00 across a
    # daylight-saving change; zoneinfo resolves the offset for the new date.
    return local.replace(year=day.year, month=day.month, day=day.day, fold=0)


def add_working_days(start: datetime, n: int) -> datetime:
    """The same local time on the n-th working day after ``start``'s day (n ≥ 0).

    The day of ``start`` itself never counts, whether or not it is a working day: a signal on
    Friday with 3 working days is due on Wednesday; one on Saturday also on Wednesday.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    local = _local(start)
    day = local.date()
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return _same_wall_time(local, day)


def deadline_for(start: datetime, deadline: dict[str, int]) -> datetime:
    """The due time for a step whose clock starts at ``start``, from a definition's ``deadline``.

    ``{hours: N}`` is N elapsed hours; ``{days: N}`` the same local time N calendar days later;
    ``{working_days: N}`` see ``add_working_days``.
    """
    if len(deadline) != 1:
        raise ValueError(f"a deadline has exactly one unit, got {deadline!r}")
    ((unit, n),) = deadline.items()
    if unit == "hours":
        # Python adds a timedelta to an aware datetime on the wall clock; go through UTC so 24 hours
        # are 24 elapsed hours on the night the clocks change.
        local = _local(start)
        return (local.astimezone(UTC) + timedelta(hours=n)).astimezone(local.tzinfo)
    if unit == "days":
        local = _local(start)
        return _same_wall_time(local, local.date() + timedelta(days=n))
    if unit == "working_days":
        return add_working_days(start, n)
    raise ValueError(f"unknown deadline unit {unit!r}")
