"""SLA timers derived from event logs, against a reference that steps minute by minute."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyaldesk.service_levels.business_time import ALWAYS_OPEN, Calendar
from loyaldesk.service_levels.timers import (
    UNSET,
    ClockState,
    Kind,
    Outcome,
    Target,
    TargetTable,
    TimerLog,
    TimerLogError,
    compute_timers,
)

OFFICE = Calendar(
    "Europe/Paris", (((9 * 60, 12 * 60 + 30), (14 * 60, 18 * 60)),) * 5 + ((), ()), "FR"
)
CLOCKS = [ALWAYS_OPEN.clock(2025, 2028), OFFICE.clock(2025, 2028)]
STARTS = [
    datetime(2026, 3, 27, 16, 0, tzinfo=UTC),  # a Friday before Europe springs forward
    datetime(2026, 4, 30, 11, 0, tzinfo=UTC),  # the day before Labour Day
    datetime(2026, 10, 23, 7, 0, tzinfo=UTC),  # a Friday before Europe falls back
    datetime(2026, 11, 24, 12, 0, tzinfo=UTC),  # lunch time
]
NAMES = ("first_response", "next_response", "resolution")


@dataclass
class Wait:
    """One thing the customer waits for, as the reference sees it."""

    started: int
    elapsed: int = 0
    paused: int = 0
    fulfilled: int | None = None
    breached: int | None = None
    breach_business: int | None = None
    fulfil_business: int | None = None

    def check(self, at: int, target: int | None) -> None:
        if self.breached is None and target is not None and self.elapsed >= target:
            self.breached, self.breach_business = at, self.elapsed


@dataclass
class Reference:
    """The timer rules, applied one minute at a time."""

    rows: list[tuple]
    state: ClockState = ClockState.RUNS
    row: int = 0
    replied: bool = False
    first: Wait | None = None
    resolution: Wait | None = None
    waits: list[Wait] = field(default_factory=list)
    current: Wait | None = None
    resolved_at: int | None = None

    def target(self, name: str) -> int | None:
        return self.rows[self.row][NAMES.index(name)]

    def active(self) -> list[tuple[Wait, str]]:
        if self.state is ClockState.STOPPED:
            return []
        found = [(self.resolution, "resolution")]
        if not self.replied:
            found.append((self.first, "first_response"))
        if self.current is not None:
            found.append((self.current, "next_response"))
        return found

    def check(self, at: int) -> None:
        for wait, name in self.active():
            wait.check(at, self.target(name))

    def apply(self, at: int, kind: Kind, value: int) -> None:
        if kind is Kind.OPENED:
            self.first, self.resolution = Wait(at), Wait(at)
        elif kind is Kind.TARGETS:
            self.row = value
        elif kind is Kind.STATUS:
            self.state = ClockState(value)
            self.resolved_at = at if self.state is ClockState.STOPPED else None
        elif kind is Kind.CUSTOMER_MESSAGE and self.replied and self.current is None:
            self.current = Wait(at)
            self.waits.append(self.current)
        elif kind is Kind.REPLY:
            if not self.replied:
                self.replied = True
                self.first.fulfilled, self.first.fulfil_business = at, self.first.elapsed
            if self.current is not None:
                self.current.fulfilled = at
                self.current.fulfil_business = self.current.elapsed
                self.current = None

    def run_minute(self, minute: int, open_now: bool) -> None:
        for wait, _ in self.active():
            if self.state is ClockState.PAUSED:
                wait.paused += 60
            elif open_now:
                wait.elapsed += 60


def reference(events: list[tuple[int, Kind, int]], rows: list[tuple], now: int) -> Reference:
    model = Reference(rows)
    by_minute: dict[int, list] = {}
    for at, kind, value in events:
        by_minute.setdefault(at, []).append((kind, value))
    opened = events[0][0]
    minutes = np.arange(opened, now, 60)
    openness = [clock.is_open(minutes) for clock in CLOCKS]
    for position, minute in enumerate(range(opened, now + 60, 60)):
        for kind, value in by_minute.get(minute, []):
            model.apply(minute, kind, value)
            model.check(minute)
        if minute >= now:
            break
        if minute not in by_minute:
            model.check(minute)
        model.run_minute(minute, bool(openness[rows[model.row][3]][position]))
    return model


@st.composite
def case_logs(draw, start: int) -> tuple[list[tuple[int, Kind, int]], int]:
    """One case: opened near a start, targets applied, then up to 12 events minutes apart."""
    at = start + 60 * draw(st.integers(0, 600))
    events = [(at, Kind.OPENED, 0), (at, Kind.TARGETS, draw(st.integers(1, 3)))]
    for _ in range(draw(st.integers(0, 12))):
        at += 60 * draw(st.sampled_from([0, 1, 5, 30, 90, 240, 900]))
        kind = draw(st.sampled_from(list(Kind)[1:]))
        value = {
            Kind.STATUS: draw(st.sampled_from(list(ClockState))),
            Kind.TARGETS: draw(st.integers(1, 3)),
        }.get(kind, 0)
        events.append((at, kind, int(value)))
    return events, at + 60 * draw(st.integers(0, 900))


@st.composite
def batches(draw, min_size: int, max_size: int) -> list[tuple[list, int]]:
    """Cases opened the same week, so the reference walks days, not months."""
    start = int(draw(st.sampled_from(STARTS)).timestamp())
    return draw(st.lists(case_logs(start), min_size=min_size, max_size=max_size))


minutes_or_none = st.one_of(st.none(), st.integers(1, 24 * 60).map(lambda m: 60 * m))
target_rows = st.lists(
    st.tuples(minutes_or_none, minutes_or_none, minutes_or_none, st.integers(0, 1)),
    min_size=3,
    max_size=3,
)


def log_of(cases: list[list[tuple[int, Kind, int]]]) -> TimerLog:
    rows = [(number, *event) for number, events in enumerate(cases) for event in events]
    return TimerLog(
        case=np.array([row[0] for row in rows]),
        at=np.array([row[1] for row in rows]),
        kind=np.array([row[2] for row in rows]),
        value=np.array([row[3] for row in rows]),
    )


def value(array: np.ndarray, index: int) -> int | None:
    found = int(array[index])
    return None if found == UNSET else found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=batches(1, 4), rows=target_rows)
def test_timers_match_the_minute_by_minute_reference(cases, rows):
    rows = [(None, None, None, 0), *rows]
    now = max(now for _, now in cases)
    timers = compute_timers(
        log_of([events for events, _ in cases]), TargetTable.of(rows), CLOCKS, now
    )
    measures = timers.measures
    for number, (events, _) in enumerate(cases):
        model = reference(events, rows, now)
        first, res = timers.states[Target.FIRST_RESPONSE], timers.states[Target.RESOLUTION]
        assert value(first.fulfilled, number) == model.first.fulfilled
        assert value(first.breached, number) == model.first.breached
        assert int(first.paused[number]) == model.first.paused
        assert value(res.breached, number) == model.resolution.breached
        assert value(res.fulfilled, number) == model.resolved_at
        assert int(res.elapsed[number]) == model.resolution.elapsed
        assert int(res.paused[number]) == model.resolution.paused
        following = timers.states[Target.NEXT_RESPONSE]
        latest = model.waits[-1] if model.waits else None
        assert value(following.fulfilled, number) == (latest and latest.fulfilled)
        assert value(following.breached, number) == (latest and latest.breached)
        assert int(following.paused[number]) == (latest.paused if latest else 0)
        assert int(following.wait[number]) == len(model.waits)
        mine = measures.case == number
        expected = set()
        for wait, target, cycle in [
            (model.first, Target.FIRST_RESPONSE, 0),
            *[(wait, Target.NEXT_RESPONSE, n + 1) for n, wait in enumerate(model.waits)],
        ]:
            if wait.fulfilled is not None:
                expected.add(
                    (target, cycle, Outcome.FULFILLED, wait.fulfilled, wait.fulfil_business)
                )
            if wait.breached is not None:
                expected.add((target, cycle, Outcome.BREACHED, wait.breached, wait.breach_business))
        if model.resolution.breached is not None:
            expected.add(
                (
                    Target.RESOLUTION,
                    0,
                    Outcome.BREACHED,
                    model.resolution.breached,
                    model.resolution.breach_business,
                )
            )
        if model.resolved_at is not None:
            expected.add(
                (
                    Target.RESOLUTION,
                    0,
                    Outcome.FULFILLED,
                    model.resolved_at,
                    model.resolution.elapsed,
                )
            )
        found = {
            (
                Target(measures.target[i]),
                int(measures.cycle[i]),
                Outcome(measures.outcome[i]),
                int(measures.at[i]),
                int(measures.business_seconds[i]),
            )
            for i in np.flatnonzero(mine)
        }
        assert found == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=batches(2, 5), rows=target_rows)
def test_a_batch_gives_each_case_what_it_gets_alone(cases, rows):
    rows = [(None, None, None, 0), *rows]
    table = TargetTable.of(rows)
    now = max(now for _, now in cases)
    together = compute_timers(log_of([events for events, _ in cases]), table, CLOCKS, now)
    for number, (events, _) in enumerate(cases):
        alone = compute_timers(log_of([events]), table, CLOCKS, now)
        for target in Target:
            for name in ("due", "fulfilled", "breached", "elapsed", "paused", "running", "waiting"):
                assert (
                    getattr(together.states[target], name)[number]
                    == getattr(alone.states[target], name)[0]
                )


def test_a_log_must_start_each_case_with_its_opening():
    log = TimerLog(
        np.array([1, 1]), np.array([0, 60]), np.array([Kind.REPLY, Kind.OPENED]), np.zeros(2)
    )
    with pytest.raises(TimerLogError, match="opening"):
        compute_timers(log, TargetTable.of([(None, None, None, 0)]), CLOCKS, 120)


def test_a_log_must_be_in_time_order():
    log = TimerLog(
        np.array([1, 1]), np.array([120, 60]), np.array([Kind.OPENED, Kind.REPLY]), np.zeros(2)
    )
    with pytest.raises(TimerLogError, match="time order"):
        compute_timers(log, TargetTable.of([(None, None, None, 0)]), CLOCKS, 180)


HOUR = 3600
MONDAY_9 = int(datetime(2026, 11, 23, 8, 0, tzinfo=UTC).timestamp())  # 09:00 in Paris
# Row 1: one hour to answer, half an hour for later answers, eight hours to resolve, office
# hours; row 2: the same targets, urgent: a quarter of an hour, and two hours to resolve.
TABLE = TargetTable.of(
    [(None, None, None, 0), (HOUR, HOUR // 2, 8 * HOUR, 1), (HOUR // 4, HOUR // 4, 2 * HOUR, 1)]
)


def one_case(*events: tuple[int, Kind, int], now: int):
    opening = [(MONDAY_9, Kind.OPENED, 0), (MONDAY_9, Kind.TARGETS, 1)]
    return compute_timers(log_of([[*opening, *events]]), TABLE, CLOCKS, now)


def state(timers, target: Target, name: str) -> int | None:
    return value(getattr(timers.states[target], name), 0)


def test_a_reply_exactly_at_the_due_time_is_on_time():
    timers = one_case((MONDAY_9 + HOUR, Kind.REPLY, 0), now=MONDAY_9 + 2 * HOUR)
    assert state(timers, Target.FIRST_RESPONSE, "fulfilled") == MONDAY_9 + HOUR
    assert state(timers, Target.FIRST_RESPONSE, "breached") is None


def test_an_agent_update_is_not_a_first_response_and_a_later_reply_does_not_replace_it():
    timers = one_case(
        (MONDAY_9 + 600, Kind.STATUS, ClockState.RUNS),
        (MONDAY_9 + 900, Kind.TARGETS, 1),
        (MONDAY_9 + 1800, Kind.REPLY, 0),
        (MONDAY_9 + 2 * HOUR, Kind.REPLY, 0),
        now=MONDAY_9 + 3 * HOUR,
    )
    assert state(timers, Target.FIRST_RESPONSE, "fulfilled") == MONDAY_9 + 1800
    assert state(timers, Target.FIRST_RESPONSE, "elapsed") == 1800


def test_a_reopened_case_resumes_its_resolution_clock_where_it_stopped():
    resolved, reopened = MONDAY_9 + 2 * HOUR, MONDAY_9 + 24 * HOUR
    timers = one_case(
        (MONDAY_9 + 1800, Kind.REPLY, 0),
        (resolved, Kind.STATUS, ClockState.STOPPED),
        (reopened, Kind.CUSTOMER_MESSAGE, 0),
        (reopened, Kind.STATUS, ClockState.RUNS),
        now=reopened + HOUR,
    )
    # Two hours before it was resolved, one since it was reopened; the night does not count.
    assert state(timers, Target.RESOLUTION, "elapsed") == 3 * HOUR
    assert state(timers, Target.RESOLUTION, "fulfilled") is None
    # Five hours left from 10:00, around the lunch break: 16:30.
    assert state(timers, Target.RESOLUTION, "due") == reopened + 6 * HOUR + 90 * 60


def test_a_reply_fulfils_the_next_response_even_after_earlier_breaches():
    timers = one_case(
        (MONDAY_9 + 600, Kind.REPLY, 0),
        (MONDAY_9 + 900, Kind.CUSTOMER_MESSAGE, 0),
        (MONDAY_9 + 2 * HOUR, Kind.REPLY, 0),  # 105 minutes: breached at 45
        (MONDAY_9 + 2 * HOUR + 60, Kind.CUSTOMER_MESSAGE, 0),
        (MONDAY_9 + 2 * HOUR + 600, Kind.REPLY, 0),
        now=MONDAY_9 + 3 * HOUR,
    )
    assert state(timers, Target.NEXT_RESPONSE, "fulfilled") == MONDAY_9 + 2 * HOUR + 600
    assert state(timers, Target.NEXT_RESPONSE, "breached") is None
    measures = timers.measures
    waits = measures.target == Target.NEXT_RESPONSE
    assert sorted(zip(measures.cycle[waits], measures.outcome[waits], strict=True)) == [
        (1, Outcome.FULFILLED),
        (1, Outcome.BREACHED),
        (2, Outcome.FULFILLED),
    ]


def test_due_times_skip_the_lunch_break():
    timers = one_case(now=MONDAY_9 + 3 * HOUR)  # 12:00 in Paris
    assert state(timers, Target.FIRST_RESPONSE, "breached") == MONDAY_9 + HOUR
    # Seven and a half open hours on Monday, the last half hour on Tuesday morning.
    assert state(timers, Target.RESOLUTION, "due") == MONDAY_9 + 24 * HOUR + 30 * 60


def test_raising_the_priority_mid_way_measures_against_the_tighter_targets():
    timers = one_case(
        (MONDAY_9 + 600, Kind.TARGETS, 2), (MONDAY_9 + 1800, Kind.REPLY, 0), now=MONDAY_9 + HOUR
    )
    # A quarter of an hour from the opening: due at 09:15, answered at 09:30.
    assert state(timers, Target.FIRST_RESPONSE, "breached") == MONDAY_9 + 900
    timers = one_case((MONDAY_9 + 1200, Kind.TARGETS, 2), now=MONDAY_9 + HOUR)
    # Already past a quarter of an hour when it became urgent: breached at that moment.
    assert state(timers, Target.FIRST_RESPONSE, "breached") == MONDAY_9 + 1200


def test_time_waiting_on_the_customer_is_paused_and_shown_as_such():
    timers = one_case(
        (MONDAY_9 + 600, Kind.REPLY, 0),
        (MONDAY_9 + 600, Kind.STATUS, ClockState.PAUSED),
        now=MONDAY_9 + 10 * HOUR,
    )
    assert state(timers, Target.RESOLUTION, "elapsed") == 600
    assert state(timers, Target.RESOLUTION, "paused") == 10 * HOUR - 600
    assert state(timers, Target.RESOLUTION, "due") is None
    assert not timers.states[Target.RESOLUTION].running[0]
    assert value(timers.earliest_due, 0) is None
