"""When a share of a target is used up, and when a queue at its pace will reach each case.

Both count business time on the calendar of the policy a case is measured against, so a
reminder at 75 % of four business hours comes after three hours of opening time, never at
night. No Django import.
"""

from __future__ import annotations

import numpy as np

from loyaldesk.service_levels.business_time import NEVER, BusinessClock

# A working day: a team of three answers in bursts, so a couple of hours say little.
PACE_WINDOW_SECONDS = 8 * 3600


def threshold_seconds(target_seconds: np.ndarray, percent: np.ndarray | int) -> np.ndarray:
    """Business seconds at which `percent` of each target is used (rounded up)."""
    target_seconds = np.asarray(target_seconds, dtype=np.int64)
    return -(-target_seconds * np.asarray(percent, dtype=np.int64) // 100)


def elapsed_by(
    clock: BusinessClock,
    elapsed: np.ndarray,
    running: np.ndarray,
    computed_at: np.ndarray,
    now: int,
) -> np.ndarray:
    """Business seconds used by `now`: those counted when last computed, plus the open time
    since then for the clocks that run."""
    since = np.maximum(clock.between(computed_at, np.full_like(computed_at, now)), 0)
    return np.asarray(elapsed, dtype=np.int64) + np.where(running, since, 0)


def window_start(clock: BusinessClock, now: int, seconds: int = PACE_WINDOW_SECONDS) -> int:
    """The instant `seconds` of opening time before now (the span's start if there is none)."""
    return int(clock.moment_at(max(int(clock.seconds_at(now)) - seconds, 0)))


def pace(replies: int, seconds: int = PACE_WINDOW_SECONDS) -> float:
    """Replies per business second over the window."""
    return replies / seconds


def reached_at(clock: BusinessClock, now: int, positions: np.ndarray, rate: float) -> np.ndarray:
    """When a queue answering `rate` cases per business second, earliest due first, reaches
    the cases at these 1-based positions (NEVER at a standstill)."""
    positions = np.asarray(positions, dtype=np.int64)
    if rate <= 0:
        return np.full(positions.shape, NEVER, np.int64)
    seconds = np.ceil(positions / rate).astype(np.int64)
    return clock.add(np.full(positions.shape, now, np.int64), seconds)
