"""Service-level timers derived from cases' event logs, for many cases at once.

Each case's log is a time-ordered list of timer events: opened, a customer message, a reply to
the customer, a status change (which runs, pauses or stops the clock) and a set of targets
applied (the policy the case is measured against from then on). From it and a moment `now`
this module derives, per case and per target, when it is or was due, when it was fulfilled,
when it was breached and how long it sat paused, plus one measure per fulfilment and breach.

Targets, in business seconds of the calendar of the targets in effect:
- first response: from opening to the first reply; notes and field changes are not replies;
- next response: from a customer message that waits for an answer (after the first reply)
  to the next reply, once per wait, each wait measured alone;
- resolution: from opening until the case is resolved; a reopened case resumes its clock.

A target is due at the earliest instant its elapsed business time reaches the target and is
breached then if it is still waiting. The clock runs only while the status says so.

Everything is columnar NumPy over all events of all cases (sorted by case, then time), so a
recomputation of a million cases takes seconds, and recomputing one case is the same code.
No Django import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from loyaldesk.service_levels.business_time import NEVER, BusinessClock

UNSET = np.iinfo(np.int64).min
NO_TARGET = 2**62  # larger than any elapsed time, small enough to add to without overflow


class Kind(IntEnum):
    OPENED = 0
    CUSTOMER_MESSAGE = 1
    REPLY = 2
    STATUS = 3  # value: a ClockState
    TARGETS = 4  # value: a row of the target table


class ClockState(IntEnum):
    RUNS = 0
    PAUSED = 1
    STOPPED = 2


class Target(IntEnum):
    FIRST_RESPONSE = 0
    NEXT_RESPONSE = 1
    RESOLUTION = 2


class Outcome(IntEnum):
    FULFILLED = 0
    BREACHED = 1


class TimerLogError(ValueError):
    """A timer log that does not describe cases: unsorted, or a case not starting with OPENED."""


@dataclass(frozen=True)
class TargetTable:
    """Target sets in business seconds (NO_TARGET where a target does not apply) and the
    index of the business clock each set counts in. Row 0 is used before any set applies."""

    first_response: np.ndarray
    next_response: np.ndarray
    resolution: np.ndarray
    clock: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[tuple[int | None, int | None, int | None, int]]) -> TargetTable:
        """Build from (first response, next response, resolution, clock index) rows."""

        def seconds(column: int) -> np.ndarray:
            return np.array(
                [NO_TARGET if row[column] is None else row[column] for row in rows], np.int64
            )

        return cls(seconds(0), seconds(1), seconds(2), np.array([r[3] for r in rows], np.int64))

    def seconds(self, target: Target) -> np.ndarray:
        return (self.first_response, self.next_response, self.resolution)[target]


@dataclass(frozen=True)
class TimerLog:
    """Timer events of many cases, sorted by case and then time (epoch seconds)."""

    case: np.ndarray
    at: np.ndarray
    kind: np.ndarray
    value: np.ndarray


@dataclass(frozen=True)
class TargetStates:
    """Per case (in the order cases appear in the log), the state of one target now.

    For the next response this is the latest wait. Instants are epoch seconds or UNSET."""

    due: np.ndarray
    fulfilled: np.ndarray
    breached: np.ndarray
    elapsed: np.ndarray  # business seconds counted so far, or until fulfilment
    target: np.ndarray  # business seconds in effect, NO_TARGET if none
    paused: np.ndarray  # wall seconds spent paused while the target was waiting
    running: np.ndarray  # bool: the clock runs now
    waiting: np.ndarray  # bool: the target waits for its fulfilment now (running or paused)
    wait: np.ndarray  # the latest wait's number: 0, or 1, 2... for next-response waits


@dataclass(frozen=True)
class Measures:
    """One row per fulfilment and per breach: which case (log id), target, wait, outcome, when,
    and the wall-clock and business seconds from the start of the wait."""

    case: np.ndarray
    target: np.ndarray
    cycle: np.ndarray  # 0 for first response and resolution, 1, 2... for next-response waits
    outcome: np.ndarray
    at: np.ndarray
    wall_seconds: np.ndarray
    business_seconds: np.ndarray
    target_seconds: np.ndarray  # the target in effect then, NO_TARGET if none

    def __len__(self) -> int:
        return len(self.case)


@dataclass(frozen=True)
class Timers:
    case: np.ndarray  # the case ids of the log, one per case
    states: dict[Target, TargetStates]
    measures: Measures

    @property
    def earliest_due(self) -> np.ndarray:
        """Per case, the earliest due time of its waiting targets (UNSET when none waits)."""
        dues = np.stack([self._waiting_due(states) for states in self.states.values()])
        earliest = dues.min(axis=0)
        return np.where(earliest == NEVER, UNSET, earliest)

    @staticmethod
    def _waiting_due(states: TargetStates) -> np.ndarray:
        waiting = (states.due != UNSET) & (states.fulfilled == UNSET)
        return np.where(waiting, states.due, NEVER)


class _Log:
    """The log with what every target needs: per event its case group, clock state, targets
    in effect, the segment to the next event, and the business seconds run before it."""

    def __init__(
        self, log: TimerLog, table: TargetTable, clocks: Sequence[BusinessClock], now: int
    ) -> None:
        self.at = np.asarray(log.at, np.int64)
        self.kind = np.asarray(log.kind, np.int8)
        value = np.asarray(log.value, np.int64)
        case = np.asarray(log.case)
        n = self.n = len(self.at)
        self.index = np.arange(n)
        self.first = np.r_[True, case[1:] != case[:-1]] if n else np.zeros(0, bool)
        self.last = np.r_[self.first[1:], True] if n else np.zeros(0, bool)
        self.case_start = self.index[self.first]
        self.group = np.cumsum(self.first) - 1
        self.start_of = self.case_start[self.group]
        self.case_ids = case[self.first]
        self._check()
        setter = self.ffill((self.kind == Kind.OPENED) | (self.kind == Kind.STATUS))
        self.setter = setter
        self.state = np.where(self.kind[setter] == Kind.OPENED, ClockState.RUNS, value[setter])
        applied = self.ffill(self.kind == Kind.TARGETS)
        self.row = np.where(applied >= 0, value[np.maximum(applied, 0)], 0)
        self.table = table
        self.clocks = clocks
        self.clock_of = table.clock[self.row]
        following = np.r_[self.at[1:], now] if n else self.at
        self.following = np.maximum(np.where(self.last, now, following), self.at)
        self.now = now
        self.business_at = self._per_clock(lambda clock, at: clock.seconds_at(at), self.at)
        business_following = self._per_clock(lambda clock, at: clock.seconds_at(at), self.following)
        self.runs = self.state == ClockState.RUNS
        self.segment = np.where(self.runs, business_following - self.business_at, 0)
        self.wall_segment = self.following - self.at
        before = np.cumsum(self.segment) - self.segment
        self.run = before - before[self.start_of]  # business seconds run before each event

    def _check(self) -> None:
        if self.n == 0:
            return
        if np.any(self.kind[self.first] != Kind.OPENED):
            raise TimerLogError("every case's log must start with its opening")
        if np.any(np.diff(self.at)[~self.first[1:]] < 0):
            raise TimerLogError("events must be in time order within each case")

    def ffill(self, mask: np.ndarray) -> np.ndarray:
        """For each event, the index of the latest event at or before it in its case where
        mask holds, or -1."""
        latest = np.maximum.accumulate(np.where(mask, self.index, -1)) if self.n else mask
        return np.where(latest >= self.start_of, latest, -1)

    def _per_clock(self, compute, instants: np.ndarray, select: np.ndarray | None = None):
        """Apply compute(clock, values) to each event's values with the clock in effect."""
        clock_of = self.clock_of if select is None else self.clock_of[select]
        result = np.empty(len(instants), np.int64)
        for clock_index in np.flatnonzero(np.bincount(clock_of, minlength=0)):
            chosen = clock_of == clock_index
            result[chosen] = compute(self.clocks[clock_index], instants[chosen])
        return result

    def moments(self, events: np.ndarray, business: np.ndarray) -> np.ndarray:
        """The instants at which each event's clock shows those business seconds."""
        return self._per_clock(lambda clock, value: clock.moment_at(value), business, events)

    def breaches(
        self, active: np.ndarray, elapsed: np.ndarray, target: np.ndarray, instance: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The first breach of each instance: (event index, instant, business seconds).

        A breach happens at an event that finds the target already reached while waiting, or
        inside a running segment at the instant the elapsed time reaches the target, if that
        instant comes before the next event."""
        reached = active & (elapsed >= target)
        crossing = active & self.runs & (elapsed < target) & (elapsed + self.segment >= target)
        events = np.flatnonzero(reached | crossing)
        when = np.where(reached[events], self.at[events], 0)
        crossing_events = events[~reached[events]]
        crossed_at = self.moments(
            crossing_events,
            self.business_at[crossing_events] + target[crossing_events] - elapsed[crossing_events],
        )
        when[~reached[events]] = crossed_at
        # Reaching the target exactly at the next event is the next event's to judge.
        keep = reached[events] | (when < self.following[events])
        events, when = events[keep], when[keep]
        first = np.ones(len(events), bool)
        first[1:] = instance[events][1:] != instance[events][:-1]
        events, when = events[first], when[first]
        business = np.where(reached[events], elapsed[events], target[events])
        return events, when, business

    def due(self, elapsed_now: np.ndarray, target_now: np.ndarray) -> np.ndarray:
        """Per case, when a target still waiting with the clock running now comes due."""
        last = self.index[self.last]
        business_now = self.business_at[last] + self.segment[last]
        moment = self.moments(last, business_now + target_now - elapsed_now)
        return np.where(moment == NEVER, UNSET, moment)

    def per_case_sum(self, values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, self.case_start) if self.n else values


def compute_timers(
    log: TimerLog, table: TargetTable, clocks: Sequence[BusinessClock], now: int
) -> Timers:
    """SLA state of every case in the log at `now`, and its fulfilment and breach measures."""
    events = _Log(log, table, clocks, now)
    first, first_measures = _first_response(events)
    following, following_measures = _next_response(events)
    resolution, resolution_measures = _resolution(events)
    measures = [*first_measures, *following_measures, *resolution_measures]
    return Timers(
        case=events.case_ids,
        states={
            Target.FIRST_RESPONSE: first,
            Target.NEXT_RESPONSE: following,
            Target.RESOLUTION: resolution,
        },
        measures=Measures(*(np.concatenate(column) for column in zip(*measures, strict=True))),
    )


def _measure_rows(
    events: _Log,
    target: Target,
    outcome: Outcome,
    at_event: np.ndarray,
    start_event: np.ndarray,
    when: np.ndarray,
    business: np.ndarray,
    seconds: np.ndarray,
    cycle: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    count = len(at_event)
    return (
        np.asarray(events.case_ids[events.group[at_event]]),
        np.full(count, target, np.int8),
        np.zeros(count, np.int64) if cycle is None else cycle,
        np.full(count, outcome, np.int8),
        when,
        when - events.at[start_event],
        business,
        seconds[at_event],
    )


def _per_case(events: _Log, case_events: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Scatter values known for some events onto their cases; UNSET elsewhere."""
    result = np.full(len(events.case_start), UNSET, np.int64)
    result[events.group[case_events]] = values
    return result


def _single_wait_state(
    events: _Log, target: Target, active: np.ndarray, fulfilled_event: np.ndarray
) -> tuple[TargetStates, list]:
    """First response and resolution: one wait per case, from the opening."""
    seconds = events.table.seconds(target)[events.row]
    group = events.group
    breach_events, breach_at, breach_business = events.breaches(active, events.run, seconds, group)
    last = events.index[events.last]
    has_fulfilment = fulfilled_event >= 0
    fulfilled_at = np.where(has_fulfilment, events.at[np.maximum(fulfilled_event, 0)], UNSET)
    reference = np.where(has_fulfilment, fulfilled_event, last)
    elapsed = np.where(
        has_fulfilment, events.run[reference], events.run[last] + events.segment[last]
    )
    target_now = seconds[reference]
    breached = _per_case(events, breach_events, breach_at)
    waiting = ~has_fulfilment & active[last]
    running = waiting & events.runs[last]
    due = np.where(running, events.due(elapsed, target_now), UNSET)
    due = np.where(breached != UNSET, breached, due)
    paused = events.per_case_sum(
        np.where(active & (events.state == ClockState.PAUSED), events.wall_segment, 0)
    )
    starts = events.case_start
    done = np.flatnonzero(has_fulfilment)
    measures = [
        _measure_rows(
            events,
            target,
            Outcome.FULFILLED,
            fulfilled_event[done],
            starts[done],
            fulfilled_at[done],
            elapsed[done],
            seconds,
        ),
        _measure_rows(
            events,
            target,
            Outcome.BREACHED,
            breach_events,
            events.start_of[breach_events],
            breach_at,
            breach_business,
            seconds,
        ),
    ]
    states = TargetStates(
        due,
        fulfilled_at,
        breached,
        elapsed,
        target_now,
        paused,
        running,
        waiting,
        np.zeros(len(due), np.int64),
    )
    return states, measures


def _first_response(events: _Log) -> tuple[TargetStates, list]:
    replies = np.where(events.kind == Kind.REPLY, events.index, events.n)
    first_reply = np.minimum.reduceat(replies, events.case_start) if events.n else replies
    answered_by = first_reply[events.group]
    active = (events.index < answered_by) & (events.state != ClockState.STOPPED)
    fulfilled_event = np.where(first_reply < events.n, first_reply, -1)
    return _single_wait_state(events, Target.FIRST_RESPONSE, active, fulfilled_event)


def _resolution(events: _Log) -> tuple[TargetStates, list]:
    active = events.state != ClockState.STOPPED
    last_setter = events.setter[events.last]
    stopped = events.state[events.last] == ClockState.STOPPED
    fulfilled_event = np.where(stopped, last_setter, -1)
    return _single_wait_state(events, Target.RESOLUTION, active, fulfilled_event)


def _next_response(events: _Log) -> tuple[TargetStates, list]:
    """Each customer message that finds the case answered before starts a wait for a reply."""
    kind, index = events.kind, events.index
    last_reply = events.ffill(kind == Kind.REPLY)
    last_message = events.ffill(kind == Kind.CUSTOMER_MESSAGE)
    waiting = (last_reply >= 0) & (last_message > last_reply)
    was_waiting = np.r_[False, waiting[:-1]] & ~events.first if events.n else waiting
    starts_wait = waiting & ~was_waiting
    wait_start = events.ffill(starts_wait)
    safe_start = np.maximum(wait_start, 0)
    waits_so_far = np.cumsum(starts_wait)
    # The wait's number within its case: waits up to here, less those of earlier cases.
    cycle = waits_so_far - waits_so_far[events.start_of] + starts_wait[events.start_of]
    active = waiting & (events.state != ClockState.STOPPED)
    seconds = events.table.next_response[events.row]
    elapsed = events.run - events.run[safe_start]
    breach_events, breach_at, breach_business = events.breaches(
        active, elapsed, seconds, wait_start
    )
    answers = np.flatnonzero((kind == Kind.REPLY) & was_waiting)
    answered_wait = wait_start[answers - 1]
    answered_business = events.run[answers] - events.run[answered_wait]

    breach_by_start = np.full(events.n, UNSET, np.int64)
    breach_by_start[wait_start[breach_events]] = breach_at
    answer_by_start = np.full(events.n, UNSET, np.int64)
    answer_by_start[answered_wait] = events.at[answers]
    business_by_start = np.zeros(events.n, np.int64)
    business_by_start[answered_wait] = answered_business

    last = index[events.last]
    latest = wait_start[last]
    has_wait = latest >= 0
    safe_latest = np.maximum(latest, 0)
    waiting_now = waiting[last]
    fulfilled = np.where(has_wait, answer_by_start[safe_latest], UNSET)
    breached = np.where(has_wait, breach_by_start[safe_latest], UNSET)
    elapsed_now = np.where(
        waiting_now,
        events.run[last] + events.segment[last] - events.run[safe_latest],
        business_by_start[safe_latest],
    )
    target_now = seconds[last]
    running = active[last] & events.runs[last]
    due = np.where(running, events.due(elapsed_now, target_now), UNSET)
    due = np.where(breached != UNSET, breached, due)
    latest_of_event = latest[events.group]
    in_latest = waiting & (wait_start == latest_of_event)
    paused = events.per_case_sum(
        np.where(in_latest & active & (events.state == ClockState.PAUSED), events.wall_segment, 0)
    )
    measures = [
        _measure_rows(
            events,
            Target.NEXT_RESPONSE,
            Outcome.FULFILLED,
            answers,
            answered_wait,
            events.at[answers],
            answered_business,
            seconds,
            cycle[answered_wait],
        ),
        _measure_rows(
            events,
            Target.NEXT_RESPONSE,
            Outcome.BREACHED,
            breach_events,
            wait_start[breach_events],
            breach_at,
            breach_business,
            seconds,
            cycle[wait_start[breach_events]],
        ),
    ]
    states = TargetStates(
        due,
        fulfilled,
        breached,
        np.where(has_wait, elapsed_now, 0),
        target_now,
        paused,
        running,
        active[last],
        np.where(has_wait, cycle[safe_latest], 0),
    )
    return states, measures
