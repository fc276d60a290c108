"""Business time: when a service calendar is open, and arithmetic in its open seconds.

A calendar is a time zone, weekly opening ranges in local wall-clock minutes (several per day,
e.g. around a lunch break), public holidays from the `holidays` package and custom closed days.
An instant is open when its local wall-clock time falls in one of its weekday's ranges on a day
that is not closed; across a DST change the open seconds are the real seconds that pass, so a
fall-back night has one more open hour and a spring-forward night one fewer.

`BusinessClock` turns a calendar into sorted open intervals in UTC epoch seconds with the open
seconds before each, so "business seconds until t" is one binary search, and so is its inverse.
Every operation takes a scalar or a NumPy array of epoch seconds. No Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np

MINUTES_PER_DAY = 24 * 60
DAY = 86_400
EPOCH_DAY = date(1970, 1, 1)
# A due time that never comes: the calendar has no open time left within its span.
NEVER = np.iinfo(np.int64).max

Ranges = tuple[tuple[int, int], ...]


class CalendarError(ValueError):
    """A calendar definition that cannot describe opening hours."""


def _checked_day(ranges: Iterable[tuple[int, int]], weekday: int) -> Ranges:
    ordered = tuple(sorted((int(start), int(end)) for start, end in ranges))
    previous_end = 0
    for start, end in ordered:
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise CalendarError(f"day {weekday}: range {start}-{end} is not within one day")
        if start < previous_end:
            raise CalendarError(f"day {weekday}: opening ranges overlap")
        previous_end = end
    return ordered


@dataclass(frozen=True)
class Calendar:
    """When the service is open: zone, weekly ranges (Monday first), holidays, closed days."""

    time_zone: str
    week: tuple[Ranges, ...]
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise CalendarError("a week has seven days of opening ranges, Monday first")
        object.__setattr__(
            self, "week", tuple(_checked_day(day, index) for index, day in enumerate(self.week))
        )
        object.__setattr__(self, "closures", frozenset(self.closures))
        try:
            ZoneInfo(self.time_zone)
        except (KeyError, ValueError) as error:
            raise CalendarError(f"unknown time zone {self.time_zone!r}") from error
        if self.holiday_country:
            _holidays(self.holiday_country, self.holiday_subdivision, (2000,))

    def closed_days(self, first_year: int, last_year: int) -> frozenset[date]:
        """Public holidays and custom closures between two years, inclusive."""
        years = tuple(range(first_year, last_year + 1))
        public = (
            _holidays(self.holiday_country, self.holiday_subdivision, years)
            if self.holiday_country
            else frozenset()
        )
        return public | {day for day in self.closures if first_year <= day.year <= last_year}

    def clock(self, first_year: int, last_year: int) -> BusinessClock:
        """The open intervals of the years first_year..last_year (cached)."""
        return _clock(self, first_year, last_year)


def _holidays(country: str, subdivision: str, years: tuple[int, ...]) -> frozenset[date]:
    try:
        found = holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    except NotImplementedError as error:
        raise CalendarError(f"no public holidays known for {country!r}") from error
    return frozenset(found)


ALWAYS_OPEN = Calendar("UTC", (((0, MINUTES_PER_DAY),),) * 7)


@lru_cache(maxsize=64)
def _clock(calendar: Calendar, first_year: int, last_year: int) -> BusinessClock:
    zone = ZoneInfo(calendar.time_zone)
    # One day either side, so every local day of the years is whole whatever the zone's offset.
    start = _epoch(datetime(first_year, 1, 1, tzinfo=UTC)) - DAY
    end = _epoch(datetime(last_year + 1, 1, 1, tzinfo=UTC)) + DAY
    closed = calendar.closed_days(first_year - 1, last_year + 1)
    intervals: list[tuple[int, int]] = []
    for piece_start, piece_end, offset in _offset_pieces(zone, start, end):
        intervals.extend(_open_in_piece(calendar.week, closed, piece_start, piece_end, offset))
    return BusinessClock(_merged(intervals), start, end)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _offset(zone: ZoneInfo, instant: int) -> int:
    offset = datetime.fromtimestamp(instant, zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _offset_pieces(zone: ZoneInfo, start: int, end: int) -> list[tuple[int, int, int]]:
    """Split [start, end) into spans of one UTC offset each (zones change it at most daily)."""
    pieces = []
    piece_start, offset = start, _offset(zone, start)
    probe = start
    while probe < end:
        following = min(probe + DAY, end)
        if _offset(zone, following) != offset:
            low, high = probe, following  # the offset changes in (low, high]
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if _offset(zone, middle) == offset else (low, middle)
            pieces.append((piece_start, high, offset))
            piece_start, offset = high, _offset(zone, high)
        probe = following
    pieces.append((piece_start, end, offset))
    return pieces


def _open_in_piece(
    week: tuple[Ranges, ...], closed: frozenset[date], start: int, end: int, offset: int
) -> Iterable[tuple[int, int]]:
    """Open intervals within one constant-offset span, computed on the local wall clock."""
    local_start, local_end = start + offset, end + offset
    for day_number in range(local_start // DAY, (local_end - 1) // DAY + 1):
        if EPOCH_DAY + timedelta(days=day_number) in closed:
            continue
        midnight = day_number * DAY
        for first_minute, last_minute in week[(day_number + 3) % 7]:  # 1970-01-01: a Thursday
            low = max(midnight + first_minute * 60, local_start)
            high = min(midnight + last_minute * 60, local_end)
            if low < high:
                yield low - offset, high - offset


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in intervals:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


class OutsideCalendarSpan(ValueError):
    """An instant before or after the years a business clock was built for."""


class BusinessClock:
    """A calendar's open intervals over a span of years, with business-time arithmetic."""

    def __init__(self, intervals: list[tuple[int, int]], span_start: int, span_end: int) -> None:
        pairs = np.array(intervals, dtype=np.int64).reshape(-1, 2)
        self.starts = pairs[:, 0].copy()
        self.ends = pairs[:, 1].copy()
        lengths = self.ends - self.starts
        self.open_before = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        self.open_through = self.open_before + lengths
        self.span_start = span_start
        self.span_end = span_end
        self.total = int(lengths.sum())

    def _check(self, instants: np.ndarray) -> None:
        if instants.size and (instants.min() < self.span_start or instants.max() > self.span_end):
            raise OutsideCalendarSpan("an instant lies outside the calendar's years")

    def _locate(self, instants) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The instants as an array, the index of the last interval starting at or before
        each (-1 if none), and that index clipped to a valid one."""
        instants = np.asarray(instants, dtype=np.int64)
        self._check(instants)
        index = np.searchsorted(self.starts, instants, side="right") - 1
        return instants, index, np.maximum(index, 0)

    def seconds_at(self, instants):
        """Open seconds from the span's start until each instant."""
        instants, index, safe = self._locate(instants)
        if not self.starts.size:
            return np.zeros_like(instants)
        inside = np.minimum(instants - self.starts[safe], self.ends[safe] - self.starts[safe])
        return np.where(index >= 0, self.open_before[safe] + inside, 0)

    def moment_at(self, business_seconds):
        """The earliest instant by which that many open seconds have passed (NEVER if none)."""
        business_seconds = np.asarray(business_seconds, dtype=np.int64)
        index = np.searchsorted(self.open_through, business_seconds, side="left")
        safe = np.minimum(index, max(self.starts.size - 1, 0))
        if not self.starts.size:
            return np.where(business_seconds <= 0, self.span_start, NEVER)
        moment = self.starts[safe] + np.maximum(business_seconds - self.open_before[safe], 0)
        moment = np.where(business_seconds <= 0, self.span_start, moment)
        return np.where(index >= self.starts.size, NEVER, moment)

    def between(self, start, end):
        """Open seconds from start to end (negative when end comes first)."""
        return self.seconds_at(end) - self.seconds_at(start)

    def add(self, start, seconds):
        """The instant `seconds` open seconds after `start` (start itself for zero)."""
        start = np.asarray(start, dtype=np.int64)
        seconds = np.asarray(seconds, dtype=np.int64)
        moment = self.moment_at(self.seconds_at(start) + seconds)
        return np.where(seconds <= 0, start, np.maximum(moment, start))

    def is_open(self, instants):
        """Whether each instant lies in an open interval."""
        instants, index, safe = self._locate(instants)
        if not self.starts.size:
            return np.zeros(instants.shape, dtype=bool)
        return (index >= 0) & (instants < self.ends[safe])

    def next_opening(self, instant: int) -> int:
        """The instant itself when open, else the start of the next open interval (or NEVER)."""
        if bool(self.is_open(instant)):
            return int(instant)
        index = int(np.searchsorted(self.starts, instant, side="right"))
        return int(self.starts[index]) if index < self.starts.size else int(NEVER)


def years_around(*moments: datetime, ahead: int = 2) -> tuple[int, int]:
    """The span of years a clock needs for these moments, with room for due times ahead."""
    years = [moment.astimezone(UTC).year for moment in moments]
    return min(years) - 1, max(years) + ahead


def add_business_time(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """start + duration of open time on the calendar, e.g. 'due = start + 4 business hours'."""
    clock = calendar.clock(*years_around(start, ahead=max(2, duration.days // 365 + 2)))
    moment = int(clock.add(_epoch(start), int(duration.total_seconds())))
    if moment == NEVER:
        raise CalendarError("the calendar has no open time left for this duration")
    return datetime.fromtimestamp(moment, UTC)


def business_seconds_between(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Open seconds of the calendar from start to end."""
    clock = calendar.clock(*years_around(start, end))
    return int(clock.between(_epoch(start), _epoch(end)))
