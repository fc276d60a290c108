"""Survey statistics against hand-computed and published values."""

import math
from dataclasses import astuple

import numpy as np
import pytest

from loyaldesk.surveys import statistics
from loyaldesk.surveys.statistics import (
    MIN_ANSWERS,
    compare_means,
    compare_nps,
    compare_shares,
    mean,
    means_by_group,
    nps,
    nps_by_group,
    response_rate,
    share,
    top_box,
)


def answers(**counts: int) -> np.ndarray:
    """NPS answers: s0=3 means three answers of 0."""
    return np.repeat([int(key[1:]) for key in counts], list(counts.values()))


def test_nps_of_a_split_by_hand():
    # 50 promoters, 30 passives, 20 detractors: 30 points; one answer's variance
    # 0.5 + 0.2 - 0.3² = 0.61, so ±1.96 x √(0.61 / 100) = ±15.31 points.
    result = nps(answers(s10=30, s9=20, s8=20, s7=10, s6=10, s0=10))
    assert (result.promoters, result.passives, result.detractors) == (50, 30, 20)
    assert result.score.value == pytest.approx(30.0)
    assert result.score.margin == pytest.approx(1.959964 * math.sqrt(0.61 / 100) * 100, rel=1e-5)
    assert result.score.n == 100
    assert not result.score.too_few


def test_nps_of_all_promoters_is_100_with_no_spread():
    result = nps(answers(s10=40))
    assert (result.score.value, result.score.low, result.score.high) == (100.0, 100.0, 100.0)


def test_nps_interval_stays_within_the_scale():
    result = nps(answers(s0=3, s9=1))
    assert result.score.low >= -100
    assert result.score.too_few


def test_no_answers_give_no_figure_and_say_so():
    for estimate in (nps([]).score, mean([]), top_box([], 4), response_rate(0, 0)):
        assert math.isnan(estimate.value)
        assert estimate.n == 0
        assert estimate.too_few


def test_scores_outside_the_scale_are_refused():
    with pytest.raises(ValueError, match=r"0\.\.10"):
        nps([3, 11])
    with pytest.raises(ValueError, match="between 0 and n"):
        share(5, 4)


def test_wilson_interval_matches_newcombe():
    # Newcombe (1998), Statistics in Medicine 17:857, table II: 81 of 263 -> 0.2553 to 0.3662.
    result = share(81, 263)
    assert result.value == pytest.approx(81 / 263)
    assert (round(result.low, 4), round(result.high, 4)) == (0.2553, 0.3662)


def test_wilson_interval_of_none_and_all():
    # Newcombe's table II: 0 of 10 -> 0 to 0.2775; 10 of 10 is its mirror.
    assert (share(0, 10).low, round(share(0, 10).high, 4)) == (0.0, 0.2775)
    assert (round(share(10, 10).low, 4), share(10, 10).high) == (0.7225, 1.0)


def test_mean_with_students_interval_by_hand():
    # Mean 3, s = √2.5, t(4; 0.975) = 2.776445: 3 ± 1.963243.
    result = mean([1, 2, 3, 4, 5])
    assert result.value == 3
    assert result.margin == pytest.approx(2.776445 * math.sqrt(2.5) / math.sqrt(5), rel=1e-6)


def test_top_box_and_response_rate():
    csat = [5, 4, 4, 3, 1, 5, 2, 4]
    assert top_box(csat, 4).value == pytest.approx(5 / 8)
    assert response_rate(sent=200, answered=50).value == 0.25


def test_two_shares_compared_by_hand():
    # 45/100 against 30/100: pooled 0.375, z = 0.15 / √(0.375 x 0.625 x 0.02) = 2.1909,
    # two-sided p = 0.02846.
    result = compare_shares((45, 100), (30, 100))
    assert result.difference == pytest.approx(0.15)
    assert result.p_value == pytest.approx(0.02846, abs=1e-5)
    assert result.significant


def test_welch_comparison_by_hand():
    # Means 3 and 6, variances 2.5 and 10 over 5 each: t = -3 / √2.5 = -1.8974,
    # Welch's df = 6.25 / (0.0625 + 1) = 5.882, two-sided p = 0.1077.
    result = compare_means([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    assert result.difference == -3
    assert result.p_value == pytest.approx(0.1077, abs=5e-4)
    assert not result.significant
    assert result.low < -3 < 0 < result.high


def test_nps_of_two_groups_compared():
    fast = answers(s10=60, s9=20, s8=10, s3=10)  # NPS 70
    slow = answers(s10=30, s8=40, s5=30)  # NPS 0
    result = compare_nps(fast, slow)
    # Variances 0.9 - 0.49 = 0.41 and 0.6 - 0 = 0.6 over 100 each: se = √0.0101.
    assert result.difference == pytest.approx(70.0)
    assert result.high - result.difference == pytest.approx(
        1.959964 * math.sqrt(0.0101) * 100, rel=1e-5
    )
    assert result.significant


def test_identical_groups_differ_by_nothing():
    same = answers(s10=MIN_ANSWERS)
    result = compare_nps(same, same)
    assert (result.difference, result.p_value) == (0.0, 1.0)


def test_nps_of_each_group_is_that_of_its_answers():
    agents = np.array([7, 7, 7, 3, 3, 3, 3, 12])
    scores = np.array([10, 9, 2, 8, 7, 10, 0, 9])
    by_agent = nps_by_group(agents, scores)
    assert set(by_agent) == {3, 7, 12}
    for agent, result in by_agent.items():
        assert result == nps(scores[agents == agent])


def test_means_of_each_group_are_those_of_its_answers():
    queues = np.array([1, 1, 1, 1, 1, 4, 4, 9])
    csat = np.array([1, 2, 3, 4, 5, 5, 3, 4])
    by_queue = means_by_group(queues, csat, range(1, 6))
    assert set(by_queue) == {1, 4, 9}
    for queue, result in by_queue.items():
        expected = mean(csat[queues == queue])
        assert result.value == pytest.approx(expected.value)
        assert result.n == expected.n
        if result.n > 1:
            assert (result.low, result.high) == pytest.approx((expected.low, expected.high))
    assert math.isnan(by_queue[9].low)


def test_groups_must_be_ids_and_one_per_answer():
    with pytest.raises(ValueError, match="non-negative integer ids"):
        nps_by_group(np.array([-1, 2]), np.array([9, 9]))
    with pytest.raises(ValueError, match="one group per answer"):
        means_by_group(np.array([1, 2]), np.array([5]), range(1, 6))
    assert nps_by_group(np.array([], dtype=int), np.array([], dtype=int)) == {}


def test_figures_from_counts_equal_figures_from_answers():
    rng = np.random.default_rng(5)
    csat = rng.integers(1, 6, size=500)
    counts = np.bincount(csat - 1, minlength=5)
    assert astuple(statistics.mean_from_counts(counts, range(1, 6))) == pytest.approx(
        astuple(statistics.mean(csat))
    )
    assert statistics.top_box_from_counts(counts, range(1, 6), 4) == statistics.top_box(csat, 4)
    other = rng.integers(1, 6, size=300)
    other_counts = np.bincount(other - 1, minlength=5)
    assert astuple(statistics.compare_means_counts(counts, other_counts, range(1, 6))) == (
        pytest.approx(astuple(statistics.compare_means(csat, other)))
    )
    nps_a, nps_b = rng.integers(0, 11, size=400), rng.integers(0, 11, size=200)
    assert statistics.compare_nps_counts(
        np.bincount(nps_a, minlength=11), np.bincount(nps_b, minlength=11)
    ) == statistics.compare_nps(nps_a, nps_b)


def test_no_answers_in_counts_give_an_unknown_mean():
    empty = statistics.mean_from_counts(np.zeros(5, dtype=int), range(1, 6))
    assert empty.n == 0
    assert math.isnan(empty.value)
