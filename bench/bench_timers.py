"""SLA state of 1,000,000 cases computed from their timer events, against a per-case loop.

Run: .venv/bin/python bench/bench_timers.py [--cases 1000000] [--baseline-cases 20000]

The logs are synthetic but shaped like the desk's: a case opens with the customer's message
and a policy applied, then goes through one to three rounds of reply (pending the customer,
clock paused) and customer answer (clock running again), and is resolved by a last reply;
one case in ten is still open, one in twenty was reopened. Half the cases count in office
hours (Paris, lunch break, French holidays), half round the clock, four priorities each.

The timed part is `compute_timers` alone (pure NumPy, no database): first response, every
next response and resolution, with due, fulfilment, breach, pause and the measures. The
baseline is the obvious implementation: a Python loop over each case's events with the same
rules and a bisect over the same open intervals, timed on a subset; both are checked to find
the same breaches on that subset.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import time
from bisect import bisect_left, bisect_right
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from loyaldesk.service_levels.business_time import ALWAYS_OPEN, Calendar
from loyaldesk.service_levels.timers import (
    UNSET,
    ClockState,
    Kind,
    Target,
    TargetTable,
    TimerLog,
    compute_timers,
)

HOUR = 3600
OFFICE = Calendar("Europe/Paris", (((540, 750), (840, 1080)),) * 5 + ((), ()), "FR")
START = int(datetime(2025, 1, 6, tzinfo=UTC).timestamp())
NOW = int(datetime(2026, 11, 24, 12, tzinfo=UTC).timestamp())
# Per calendar, per priority (low, normal, high, urgent): first, next, resolution in hours.
TARGETS = [(8, 8, 40), (4, 4, 24), (2, 2, 8), (1, 0.5, 4)]
ROUND = [Kind.REPLY, Kind.STATUS, Kind.CUSTOMER_MESSAGE, Kind.STATUS]
ROUND_VALUES = [0, ClockState.PAUSED, 0, ClockState.RUNS]


def target_table() -> TargetTable:
    rows = [(None, None, None, 0)]
    for clock in (0, 1):
        rows += [(int(f * HOUR), int(n * HOUR), int(r * HOUR), clock) for f, n, r in TARGETS]
    return TargetTable.of(rows)


def synthetic_logs(cases: int, seed: int = 7) -> TimerLog:
    """Timer events of `cases` cases, sorted by case and time."""
    rng = np.random.default_rng(seed)
    rounds = rng.integers(1, 4, cases)
    still_open = rng.random(cases) < 0.1
    reopened = ~still_open & (rng.random(cases) < 0.05)
    pattern_kinds, pattern_values = [], []
    shapes = [(r, o, x) for r in (1, 2, 3) for o in (0, 1) for x in (0, 1)]
    for case_rounds, is_open, is_reopened in shapes:
        kinds = [Kind.OPENED, Kind.TARGETS, Kind.CUSTOMER_MESSAGE] + ROUND * case_rounds
        values = [0, 0, 0] + ROUND_VALUES * case_rounds
        if not is_open:
            kinds += [Kind.REPLY, Kind.STATUS]
            values += [0, ClockState.STOPPED]
        if is_reopened:
            kinds += [Kind.CUSTOMER_MESSAGE, Kind.STATUS, Kind.REPLY, Kind.STATUS]
            values += [0, ClockState.RUNS, 0, ClockState.STOPPED]
        pattern_kinds.append(np.array(kinds, np.int8))
        pattern_values.append(np.array(values, np.int64))
    shape = (rounds - 1) * 4 + still_open * 2 + reopened
    counts = np.array([len(pattern_kinds[s]) for s in range(12)])[shape]
    case = np.repeat(np.arange(cases), counts)
    offsets = np.arange(len(case)) - np.repeat(np.cumsum(counts) - counts, counts)
    kind = np.empty(len(case), np.int8)
    value = np.empty(len(case), np.int64)
    for s in range(12):
        chosen = shape[case] == s
        kind[chosen] = pattern_kinds[s][offsets[chosen]]
        value[chosen] = pattern_values[s][offsets[chosen]]
    rows = 1 + 4 * rng.integers(0, 2, cases) + rng.choice(4, cases, p=[0.2, 0.6, 0.15, 0.05])
    value[kind == Kind.TARGETS] = rows
    # A status change happens with the message before it; other events come hours apart.
    gaps = rng.exponential(3 * HOUR, len(case)).astype(np.int64)
    gaps[(kind == Kind.STATUS) | (kind == Kind.TARGETS) | (offsets == 0) | (offsets == 2)] = 0
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[np.cumsum(counts) - counts], counts)
    span = NOW - START - 30 * 24 * HOUR
    opened = START + rng.integers(0, span, cases)
    return TimerLog(case, opened[case] + elapsed, kind, value)


class LoopClock:
    """A business clock's intervals as Python lists, for the per-case loop."""

    def __init__(self, clock) -> None:
        self.starts = clock.starts.tolist()
        self.ends = clock.ends.tolist()
        self.before = clock.open_before.tolist()
        self.through = clock.open_through.tolist()

    def seconds_at(self, t: int) -> int:
        i = bisect_right(self.starts, t) - 1
        return (
            0 if i < 0 else self.before[i] + min(t - self.starts[i], self.ends[i] - self.starts[i])
        )

    def moment_at(self, business: int) -> int:
        i = bisect_left(self.through, business)
        return self.starts[i] + max(business - self.before[i], 0)


def loop_breaches(log: TimerLog, table: TargetTable, clocks: list, now: int) -> dict:
    """The obvious implementation: walk each case's events; return breach instants by target."""
    loop_clocks = [LoopClock(clock) for clock in clocks]
    targets = [
        table.first_response.tolist(),
        table.next_response.tolist(),
        table.resolution.tolist(),
    ]
    table_clock = table.clock.tolist()
    cases, at, kind, value = (a.tolist() for a in (log.case, log.at, log.kind, log.value))
    found = {target: {} for target in Target}
    i, n = 0, len(cases)
    while i < n:
        j = i
        while j < n and cases[j] == cases[i]:
            j += 1
        state, row, run, replied, wait_start = ClockState.RUNS, 0, 0, False, None
        for k in range(i, j):
            if kind[k] == Kind.STATUS:
                state = value[k]
            elif kind[k] == Kind.TARGETS:
                row = value[k]
            elif kind[k] == Kind.REPLY:
                replied, wait_start = True, None
            elif kind[k] == Kind.CUSTOMER_MESSAGE and replied and wait_start is None:
                wait_start = run
            clock = loop_clocks[table_clock[row]]
            following = at[k + 1] if k + 1 < j else now
            waiting = [
                (Target.RESOLUTION, run),
                *([(Target.FIRST_RESPONSE, run)] if not replied else []),
                *([(Target.NEXT_RESPONSE, run - wait_start)] if wait_start is not None else []),
            ]
            segment = 0
            if state == ClockState.RUNS:
                business_at = clock.seconds_at(at[k])
                segment = clock.seconds_at(following) - business_at
            for target, elapsed in waiting:
                limit = targets[target][row]
                key = (cases[i], wait_start if target is Target.NEXT_RESPONSE else 0)
                if state == ClockState.STOPPED or key in found[target]:
                    continue
                if elapsed >= limit:
                    found[target][key] = at[k]
                elif state == ClockState.RUNS and elapsed + segment >= limit:
                    moment = clock.moment_at(business_at + limit - elapsed)
                    if moment < following:
                        found[target][key] = moment
            run += segment
        i = j
    return found


def engine_breach_count(timers, target: Target) -> int:
    measures = timers.measures
    return int(((measures.target == target) & (measures.outcome == 1)).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--baseline-cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    clocks = [ALWAYS_OPEN.clock(2024, 2028), OFFICE.clock(2024, 2028)]
    table = target_table()
    log = synthetic_logs(args.cases)
    compute_timers(synthetic_logs(1000), table, clocks, NOW)  # warm-up
    runs = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        timers = compute_timers(log, table, clocks, NOW)
        runs.append(time.perf_counter() - began)
    best = min(runs)
    subset = synthetic_logs(args.baseline_cases, seed=11)
    began = time.perf_counter()
    subset_timers = compute_timers(subset, table, clocks, NOW)
    engine_subset = time.perf_counter() - began
    began = time.perf_counter()
    loop = loop_breaches(subset, table, clocks, NOW)
    loop_seconds = time.perf_counter() - began
    for target in Target:
        assert len(loop[target]) == engine_breach_count(subset_timers, target), target
    result = {
        "command": "bench/bench_timers.py "
        + f"--cases {args.cases} --baseline-cases {args.baseline_cases}",
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
        "machine": platform.processor() or platform.machine(),
        "cases": args.cases,
        "events": len(log.case),
        "seconds": runs,
        "cases_per_second": args.cases / best,
        "measures": len(timers.measures),
        "breaches": {t.name: engine_breach_count(timers, t) for t in Target},
        "open_cases_with_due": int((timers.earliest_due != UNSET).sum()),
        "baseline_cases": args.baseline_cases,
        "baseline_loop_cases_per_second": args.baseline_cases / loop_seconds,
        "engine_on_baseline_subset_cases_per_second": args.baseline_cases / engine_subset,
        "ratio_engine_to_loop": (args.cases / best) / (args.baseline_cases / loop_seconds),
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / f"timers-{datetime.now(UTC):%Y-%m-%d-%H%M}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
