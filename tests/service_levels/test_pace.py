"""The pure arithmetic of escalations and pace forecasts, on a Paris office calendar."""

from datetime import UTC, datetime

import numpy as np

from loyaldesk.service_levels.business_time import NEVER, Calendar
from loyaldesk.service_levels.pace import elapsed_by, reached_at, threshold_seconds, window_start

OFFICE = Calendar("Europe/Paris", (((540, 750), (840, 1080)),) * 5 + ((), ()))
CLOCK = OFFICE.clock(2025, 2028)


def paris(day: int, hour: int, minute: int = 0) -> int:
    """Epoch seconds of a moment of March 2026 in Paris (UTC+1)."""
    return int(datetime(2026, 3, day, hour - 1, minute, tzinfo=UTC).timestamp())


def test_thresholds_round_up_to_the_second():
    assert threshold_seconds(np.array([100, 240 * 60, 7]), 75).tolist() == [75, 10800, 6]
    assert threshold_seconds(np.array([3600]), 100).tolist() == [3600]


def test_elapsed_counts_open_time_since_the_last_computation_for_running_clocks_only():
    computed = np.array([paris(2, 12), paris(2, 12)])
    used = elapsed_by(CLOCK, np.array([600, 600]), np.array([True, False]), computed, paris(2, 15))
    # 12:00-12:30 and 14:00-15:00 are open: 90 minutes on top of the 10 counted.
    assert used.tolist() == [600 + 90 * 60, 600]


def test_the_pace_window_reaches_back_over_closed_time():
    # Eight business hours before Tuesday 10:00: 9:00-10:00, then Monday 14:00-18:00 and
    # 9:30-12:30.
    assert window_start(CLOCK, paris(3, 10)) == paris(2, 9, 30)
    # One business hour back is Tuesday's opening, the same business moment as Monday's close:
    # the earliest instant is given, so nothing closed is left out of the window.
    assert window_start(CLOCK, paris(3, 10), seconds=3600) == paris(2, 18)


def test_a_queue_reaches_its_cases_in_business_time_and_never_at_a_standstill():
    one_an_hour = 1 / 3600
    reached = reached_at(CLOCK, paris(2, 11), np.array([1, 2, 3]), one_an_hour)
    assert reached.tolist() == [paris(2, 12), paris(2, 14, 30), paris(2, 15, 30)]
    assert reached_at(CLOCK, paris(2, 11), np.array([1]), 0.0).tolist() == [NEVER]
