"""Deadlines: hours are plain hours; working days skip weekends and Bulgarian public holidays."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from zaedno.protocols.calendar import add_working_days, deadline_for, is_working_day

SOFIA = ZoneInfo("Europe/Sofia")


def at(y, m, d, h=10, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SOFIA)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # An ordinary week: Friday + 3 working days is Wednesday.
        (at(2026, 10, 9), 3, at(2026, 10, 14)),
        # Liberation Day, Tuesday 3 March 2026: Fri 27 Feb → Mon 2, Wed 4, Thu 5.
        (at(2026, 2, 27), 3, at(2026, 3, 5)),
        # 24 May 2026 is a Sunday, moved to Monday 25 May: Fri 22 → Tue 26, Wed 27, Thu 28.
        (at(2026, 5, 22), 3, at(2026, 5, 28)),
        # 1 May (Fri) and 6 May (Wed) 2026: Thu 30 Apr → Mon 4, Tue 5, Thu 7.
        (at(2026, 4, 30), 3, at(2026, 5, 7)),
        # Unification Day, Sunday 6 September 2026, moved to Monday 7: Fri 4 → Tue 8, Wed 9, Thu 10.
        (at(2026, 9, 4), 3, at(2026, 9, 10)),
        # Independence Day, Tuesday 22 September 2026: Fri 18 → Mon 21, Wed 23, Thu 24.
        (at(2026, 9, 18), 3, at(2026, 9, 24)),
        # Orthodox Easter 2026 (Good Friday 10 April to Easter Monday 13 April): Thu 9 → Tue 14, Wed 15, Thu 16.
        (at(2026, 4, 9), 3, at(2026, 4, 16)),
        # Christmas 2026: 24 (Thu), 25 (Fri), 26 (Sat, moved to Mon 28): Wed 23 → Tue 29, Wed 30, Thu 31.
        (at(2026, 12, 23), 3, at(2026, 12, 31)),
        # Across the new year: Fri 18 Dec 2026 + 10 → 21, 22, 23, 29, 30, 31, 4 Jan, 5, 6, 7.
        (at(2026, 12, 18), 10, at(2027, 1, 7)),
    ],
)
def test_working_days_skip_weekends_and_bulgarian_holidays(start, n, due):
    assert add_working_days(start, n) == due
    assert deadline_for(start, {"working_days": n}) == due


def test_the_library_moves_weekend_holidays_to_the_next_working_day():
    assert not is_working_day(at(2026, 5, 25).date())  # 24 May on a Sunday
    assert not is_working_day(at(2026, 12, 28).date())  # 26 December on a Saturday
    assert is_working_day(at(2026, 5, 26).date())


def test_counting_starts_the_next_day_even_from_a_weekend():
    assert add_working_days(at(2026, 10, 10), 3) == at(2026, 10, 14)  # Saturday → Wednesday
    assert add_working_days(at(2026, 10, 9), 0) == at(2026, 10, 9)


def test_hours_are_plain_elapsed_hours_even_over_weekends_and_holidays():
    start = at(2026, 3, 2, 23, 30)  # the evening before Liberation Day
    assert deadline_for(start, {"hours": 1}) == at(2026, 3, 3, 0, 30)
    assert deadline_for(start, {"hours": 24}) == at(2026, 3, 3, 23, 30)


def test_hours_across_daylight_saving_are_elapsed_time():
    start = at(2026, 3, 28, 12)  # clocks go forward on 29 March 2026 at 03:00
    due = deadline_for(start, {"hours": 24})
    assert due.timestamp() - start.timestamp() == timedelta(hours=24).total_seconds()
    assert due.astimezone(SOFIA).hour == 13


def test_days_keep_the_wall_clock_time():
    start = at(2026, 3, 20, 9)
    due = deadline_for(start, {"days": 20})
    assert due.astimezone(SOFIA) == at(2026, 4, 9, 9)  # 9:00 again, though summer time began


def test_utc_input_is_counted_in_sofia():
    # 23:30 UTC on Friday 27 February is already Saturday 28 February in Sofia.
    start = datetime(2026, 2, 27, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert add_working_days(start, 1) == datetime(2026, 3, 2, 1, 30, tzinfo=SOFIA)


def test_naive_datetimes_and_bad_specs_are_refused():
    with pytest.raises(ValueError):
        deadline_for(datetime(2026, 1, 5, 10), {"hours": 1})
    with pytest.raises(ValueError):
        deadline_for(at(2026, 1, 5), {"weeks": 1})
    with pytest.raises(ValueError):
        deadline_for(at(2026, 1, 5), {"days": 1, "hours": 1})
