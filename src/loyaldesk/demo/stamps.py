"""Timestamps and dates as text both databases read, made fast (no Django import)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

SECONDS_PER_DAY = 86_400


@lru_cache(maxsize=8192)
def _day_text(day_number: int) -> str:
    return datetime.fromtimestamp(day_number * SECONDS_PER_DAY, UTC).date().isoformat()


def stamp(moment: float) -> str:
    """A UTC timestamp, to the second, as SQLite (through Django) and PostgreSQL COPY read it."""
    whole = int(moment)
    day_number, seconds = divmod(whole, SECONDS_PER_DAY)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{_day_text(day_number)} {hours:02d}:{minutes:02d}:{seconds:02d}"


def day(moment: float) -> str:
    """A UTC date as both databases read it."""
    return _day_text(int(moment) // SECONDS_PER_DAY)
