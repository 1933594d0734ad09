"""Date arithmetic that never fails: the rules run on any date a file or --today may hold,
29 February and the years 1 and 9999 included."""

from __future__ import annotations

import datetime as dt


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later: 29 February becomes 28 February in a common year, and a
    day past the calendar's end is its last day (nothing can be later)."""
    year = day.year + years
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def months_before(day: dt.date, months: int) -> dt.date:
    """The day `months` earlier (the 28th at most, so every month has it); the calendar's
    first day when that is before it."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month + 1, min(day.day, 28))
