"""From the desk's event log to timer logs: which recorded events move which clock.

The desk records `case.opened`, `message.added`, `case.status_changed`, `case.reopened`, and
this app records `sla.policy_applied` with the targets the case is measured against from then
on. Reading them in order (time, then id) gives the same timers on every recomputation.
No Django import: rows come in as plain tuples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import numpy as np

from loyaldesk.desk.lifecycle import CLOCK, Clock, Status
from loyaldesk.service_levels.business_time import ALWAYS_OPEN, BusinessClock, Calendar
from loyaldesk.service_levels.timers import ClockState, Kind, TargetTable, TimerLog

TIMER_EVENT_KINDS = (
    "case.opened",
    "message.added",
    "case.status_changed",
    "case.reopened",
    "sla.policy_applied",
    "call.answered",
)
STATE = {
    Clock.RUNS: ClockState.RUNS,
    Clock.PAUSED: ClockState.PAUSED,
    Clock.STOPPED: ClockState.STOPPED,
}
# A call or chat logged by the agent who took it was answered as it was opened; a call
# recorded as the customer's message records its answer as `call.answered` (channels.phone).
ANSWERED_LIVE = frozenset({"phone", "chat"})


def calendar_of(definition: dict) -> Calendar:
    """The pure calendar a policy version keeps as plain data."""
    return _calendar(json.dumps(definition, sort_keys=True))


@lru_cache(maxsize=256)
def _calendar(key: str) -> Calendar:
    # Building a calendar looks up its public holidays: worth doing once per definition.
    definition = json.loads(key)
    return Calendar(
        time_zone=definition["time_zone"],
        week=tuple(tuple(tuple(pair) for pair in day) for day in definition["week"]),
        holiday_country=definition.get("holiday_country", ""),
        holiday_subdivision=definition.get("holiday_subdivision", ""),
        closures=frozenset(date.fromisoformat(day) for day in definition.get("closures", [])),
    )


@dataclass
class LogBuilder:
    """Collects timer events of cases (each case's rows in order) into one TimerLog."""

    first_year: int
    last_year: int
    case: list[int] = field(default_factory=list)
    at: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    value: list[int] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=lambda: [(None, None, None, 0)])
    row_of: dict[tuple, int] = field(default_factory=dict)
    calendars: list[Calendar] = field(default_factory=lambda: [ALWAYS_OPEN])
    calendar_index: dict[Calendar, int] = field(default_factory=lambda: {ALWAYS_OPEN: 0})

    def _push(self, case: int, at: datetime, kind: Kind, value: int = 0) -> None:
        self.case.append(case)
        self.at.append(int(at.timestamp()))
        self.kind.append(kind)
        self.value.append(value)

    def _row(self, after: dict) -> int:
        targets = after.get("targets") or {}
        calendar = calendar_of(after["calendar"]) if after.get("calendar") else ALWAYS_OPEN
        clock = self.calendar_index.setdefault(calendar, len(self.calendars))
        if clock == len(self.calendars):
            self.calendars.append(calendar)
        key = (
            targets.get("first_response"),
            targets.get("next_response"),
            targets.get("resolution"),
            clock,
        )
        if key not in self.row_of:
            self.row_of[key] = len(self.rows)
            self.rows.append(key)
        return self.row_of[key]

    def add(self, case: int, at: datetime, kind: str, after: dict, by_staff: bool) -> None:
        """Add one recorded event of a case, if it moves a clock."""
        if kind == "case.opened":
            self._push(case, at, Kind.OPENED)
            if by_staff and after.get("channel") in ANSWERED_LIVE:
                self._push(case, at, Kind.REPLY)
        elif kind == "message.added":
            if after.get("kind") == "inbound":
                self._push(case, at, Kind.CUSTOMER_MESSAGE)
            elif after.get("kind") == "outbound":
                self._push(case, at, Kind.REPLY)
        elif kind == "call.answered":
            self._push(case, at, Kind.REPLY)
        elif kind in ("case.status_changed", "case.reopened"):
            self._push(case, at, Kind.STATUS, STATE[CLOCK[Status(after["status"])]])
        elif kind == "sla.policy_applied":
            self._push(case, at, Kind.TARGETS, self._row(after))

    def extend(self, rows: Iterable[tuple[int, datetime, str, dict, bool]]) -> None:
        for row in rows:
            self.add(*row)

    def log(self) -> TimerLog:
        return TimerLog(
            np.array(self.case, np.int64),
            np.array(self.at, np.int64),
            np.array(self.kind, np.int8),
            np.array(self.value, np.int64),
        )

    def table(self) -> TargetTable:
        return TargetTable.of(self.rows)

    def clocks(self) -> list[BusinessClock]:
        return [calendar.clock(self.first_year, self.last_year) for calendar in self.calendars]
