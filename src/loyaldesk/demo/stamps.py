"""Timestamps and dates as text both databases read, made fast (no Django import).

A demo writes millions of timestamps, so the time of day comes from a table of the 86,400
possible clock texts and the date from a cache, rather than from datetime formatting.
"""

from __future__ import annotations

from datetime import UTC, datetime

SECONDS_PER_DAY = 86_400
_CLOCK = [f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_DAYS: dict[int, str] = {}


def _day_text(day_number: int) -> str:
    text = _DAYS.get(day_number)
    if text is None:
        moment = datetime.fromtimestamp(day_number * SECONDS_PER_DAY, UTC)
        text = _DAYS[day_number] = moment.date().isoformat()
    return text


def stamp(moment: float) -> str:
    """A UTC timestamp, to the second, as SQLite (through Django) and PostgreSQL COPY read it."""
    day_number, seconds = divmod(int(moment), SECONDS_PER_DAY)
    return (_DAYS.get(day_number) or _day_text(day_number)) + _CLOCK[seconds]


def day(moment: float) -> str:
    """A UTC date as both databases read it."""
    return _day_text(int(moment) // SECONDS_PER_DAY)
