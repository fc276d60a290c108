"""The generator's fast timestamp texts are the ones datetime formatting gives."""

from datetime import UTC, datetime
from random import Random

from loyaldesk.demo.stamps import day, stamp


def test_stamps_match_datetime_formatting_across_days_and_years():
    rng = Random(3)
    moments = [rng.uniform(0, 4_102_444_800) for _ in range(20_000)]
    moments += [1_709_164_800 + offset for offset in (-1, 0, 86_399, 86_400)]  # 29 February 2024
    for moment in moments:
        expected = datetime.fromtimestamp(int(moment), UTC)
        assert stamp(moment) == expected.strftime("%Y-%m-%d %H:%M:%S")
        assert day(moment) == expected.date().isoformat()
