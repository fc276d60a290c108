"""Survey figures with their uncertainty: NPS, means, shares, and comparisons (no Django import).

Every figure carries its number of answers and a 95 % interval, and says when it rests on too
few answers to be read, so a report can grey it rather than hide it. Scores arrive as NumPy
arrays of integers; counting them once (`np.bincount`) is what makes ten million answers cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

CONFIDENCE = 0.95
# Below this many answers an interval is too wide to act on: NPS ±25 points, a share ±18.
MIN_ANSWERS = 30
NPS_SCALE = range(11)
PROMOTER_FROM, DETRACTOR_UP_TO = 9, 6


@dataclass(frozen=True)
class Estimate:
    """A figure, its interval at CONFIDENCE, and the number of answers behind it."""

    value: float
    low: float
    high: float
    n: int

    @property
    def too_few(self) -> bool:
        """Whether the figure rests on fewer answers than MIN_ANSWERS."""
        return self.n < MIN_ANSWERS

    @property
    def margin(self) -> float:
        """Half the interval's width (the "±" of a poll)."""
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class NetPromoterScore:
    """NPS in points (-100 to 100) with its interval, and how the answers split."""

    score: Estimate
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True)
class Comparison:
    """The difference between two groups (first minus second), its interval, and the p-value
    of the test that there is none."""

    difference: float
    low: float
    high: float
    p_value: float

    @property
    def significant(self) -> bool:
        """Whether the difference is unlikely to be chance, at CONFIDENCE."""
        return self.p_value < 1 - CONFIDENCE


def known(value: float, digits: int = 4) -> float | None:
    """A figure rounded for showing or sending, or None when there were no answers for it."""
    return None if math.isnan(value) else round(value, digits)


def _z() -> float:
    return float(stats.norm.ppf(1 - (1 - CONFIDENCE) / 2))


def _t(freedom: float) -> float:
    return float(stats.t.ppf(1 - (1 - CONFIDENCE) / 2, freedom))


def _unknown(n: int = 0) -> Estimate:
    return Estimate(math.nan, math.nan, math.nan, n)


def score_counts(scores: ArrayLike, scale: range) -> np.ndarray:
    """How many answers gave each score of the scale; a score outside it is an error."""
    values = np.asarray(scores)
    if not values.size:
        return np.zeros(len(scale), dtype=np.int64)
    _check_scale(values, scale)
    return np.bincount(values.ravel() - scale.start, minlength=len(scale))


def _check_scale(values: np.ndarray, scale: range) -> None:
    if values.min() < scale.start or values.max() >= scale.stop:
        raise ValueError(f"scores must lie in {scale.start}..{scale.stop - 1}")


def nps(scores: ArrayLike) -> NetPromoterScore:
    """Net Promoter Score of 0-10 answers: promoters (9, 10) minus detractors (0-6), in points.

    Each answer counts +1, 0 or -1; the interval comes from the variance of that count over
    the answers.
    """
    return nps_from_counts(score_counts(scores, NPS_SCALE))


def nps_from_counts(counts: ArrayLike) -> NetPromoterScore:
    """NPS from the number of answers of each score 0 to 10."""
    counts = np.asarray(counts)
    promoters = int(counts[PROMOTER_FROM:].sum())
    detractors = int(counts[: DETRACTOR_UP_TO + 1].sum())
    n = int(counts.sum())
    if not n:
        return NetPromoterScore(_unknown(), 0, 0, 0)
    net, variance = _net_share(counts)
    half = _z() * math.sqrt(variance / n)
    score = Estimate(100 * net, 100 * max(net - half, -1.0), 100 * min(net + half, 1.0), n)
    return NetPromoterScore(score, promoters, n - promoters - detractors, detractors)


def _net_share(counts: np.ndarray) -> tuple[float, float]:
    """The share of promoters minus that of detractors, and the variance of one answer's
    +1 / 0 / -1: p(promoter) + p(detractor) - NPS squared."""
    n = counts.sum()
    promoting = counts[PROMOTER_FROM:].sum() / n
    detracting = counts[: DETRACTOR_UP_TO + 1].sum() / n
    net = float(promoting - detracting)
    return net, float(promoting + detracting) - net * net


def nps_by_group(groups: ArrayLike, scores: ArrayLike) -> dict[int, NetPromoterScore]:
    """NPS of each group (agent, queue, team... as non-negative integer ids) that answered."""
    codes, counts = _counts_by_group(groups, scores, NPS_SCALE)
    return {int(code): nps_from_counts(row) for code, row in zip(codes, counts, strict=True)}


def means_by_group(groups: ArrayLike, scores: ArrayLike, scale: range) -> dict[int, Estimate]:
    """The mean score of each group (CSAT: scale=range(1, 6)) with Student's interval, from each
    group's count of every score: integer counting, no float arithmetic per answer."""
    codes, counts = _counts_by_group(groups, scores, scale)
    points = np.arange(scale.start, scale.stop, dtype=float)
    n = counts.sum(axis=1)
    totals = counts @ points
    squares = counts @ (points * points)
    return {
        int(code): _mean_from_sums(int(count), float(total), float(square))
        for code, count, total, square in zip(codes, n, totals, squares, strict=True)
    }


def mean_from_counts(counts: ArrayLike, scale: range) -> Estimate:
    """The mean score from the number of answers of each score of the scale, lowest first."""
    counts = np.asarray(counts)
    points = np.arange(scale.start, scale.stop, dtype=float)
    n = int(counts.sum())
    if not n:
        return _unknown()
    return _mean_from_sums(n, float(counts @ points), float(counts @ (points * points)))


def top_box_from_counts(counts: ArrayLike, scale: range, from_score: int) -> Estimate:
    """The share of answers at `from_score` or above, from each score's count."""
    counts = np.asarray(counts)
    return share(int(counts[from_score - scale.start :].sum()), int(counts.sum()))


def _mean_from_sums(n: int, total: float, squares: float) -> Estimate:
    average = total / n
    if n < 2:
        return Estimate(average, math.nan, math.nan, n)
    variance = max(squares - n * average * average, 0.0) / (n - 1)
    half = _t(n - 1) * math.sqrt(variance / n)
    return Estimate(average, average - half, average + half, n)


def _group_codes(groups: ArrayLike) -> np.ndarray:
    codes = np.asarray(groups)
    if codes.size and (not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0):
        raise ValueError("groups must be non-negative integer ids")
    return codes.astype(np.int64, copy=False).ravel()


def _counts_by_group(
    groups: ArrayLike, scores: ArrayLike, scale: range
) -> tuple[np.ndarray, np.ndarray]:
    """The groups that answered, and each one's count of every score of the scale: one
    `bincount` over group x scale cells, no sort."""
    codes = _group_codes(groups)
    values = np.asarray(scores).ravel()
    if codes.size != values.size:
        raise ValueError("one group per answer")
    if not codes.size:
        return codes, np.zeros((0, len(scale)), dtype=np.int64)
    _check_scale(values, scale)
    cells = codes * len(scale) + (values - scale.start)
    counts = np.bincount(cells, minlength=(int(codes.max()) + 1) * len(scale))
    counts = counts.reshape(-1, len(scale))
    answered = np.flatnonzero(counts.sum(axis=1))
    return answered, counts[answered]


def mean(values: ArrayLike) -> Estimate:
    """The mean of scores (CSAT 1-5, CES 1-7) with Student's t interval."""
    values = np.asarray(values, dtype=float)
    n = values.size
    if not n:
        return _unknown()
    average = float(values.mean())
    if n < 2:
        return Estimate(average, math.nan, math.nan, n)
    half = _t(n - 1) * values.std(ddof=1) / math.sqrt(n)
    return Estimate(average, average - half, average + half, n)


def share(successes: int, n: int) -> Estimate:
    """A proportion with Wilson's score interval, right even near 0 and 1 and for few answers."""
    if successes < 0 or successes > n:
        raise ValueError("successes must lie between 0 and n")
    if not n:
        return _unknown()
    z = _z()
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else centre - half
    high = 1.0 if successes == n else centre + half
    return Estimate(p, low, high, n)


def top_box(scores: ArrayLike, from_score: int) -> Estimate:
    """The share of answers at `from_score` or above (CSAT top two boxes: from_score=4)."""
    values = np.asarray(scores)
    return share(int(np.count_nonzero(values >= from_score)), int(values.size))


def response_rate(sent: int, answered: int) -> Estimate:
    """The share of surveys sent that were answered."""
    return share(answered, sent)


def compare_nps(first: ArrayLike, second: ArrayLike) -> Comparison:
    """NPS of one group minus another's, in points, with a z-test (two independent samples)."""
    return compare_nps_counts(score_counts(first, NPS_SCALE), score_counts(second, NPS_SCALE))


def compare_nps_counts(first: ArrayLike, second: ArrayLike) -> Comparison:
    """`compare_nps` from each group's count of every score 0 to 10."""
    a, b = np.asarray(first), np.asarray(second)
    n_a, n_b = int(a.sum()), int(b.sum())
    if not (n_a and n_b):
        return Comparison(math.nan, math.nan, math.nan, math.nan)
    (net_a, var_a), (net_b, var_b) = _net_share(a), _net_share(b)
    return _z_comparison(net_a - net_b, math.sqrt(var_a / n_a + var_b / n_b), scale=100)


def compare_means(first: ArrayLike, second: ArrayLike) -> Comparison:
    """Mean of one group minus another's, with Welch's t-test (unequal variances)."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if a.size < 2 or b.size < 2:
        return Comparison(math.nan, math.nan, math.nan, math.nan)
    var_a, var_b = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    difference = float(a.mean() - b.mean())
    error = math.sqrt(var_a + var_b)
    if error == 0:
        same = difference == 0
        return Comparison(difference, difference, difference, 1.0 if same else 0.0)
    freedom = (var_a + var_b) ** 2 / (var_a**2 / (a.size - 1) + var_b**2 / (b.size - 1))
    t = difference / error
    half = _t(freedom) * error
    p_value = float(2 * stats.t.sf(abs(t), freedom))
    return Comparison(difference, difference - half, difference + half, p_value)


def compare_means_counts(first: ArrayLike, second: ArrayLike, scale: range) -> Comparison:
    """`compare_means` from each group's count of every score of the scale."""
    points = np.arange(scale.start, scale.stop)
    return compare_means(np.repeat(points, first), np.repeat(points, second))


def compare_shares(first: tuple[int, int], second: tuple[int, int]) -> Comparison:
    """One proportion minus another, each given as (successes, n): the pooled z-test for the
    p-value, the unpooled standard error for the interval."""
    (x_a, n_a), (x_b, n_b) = first, second
    if not (n_a and n_b):
        return Comparison(math.nan, math.nan, math.nan, math.nan)
    p_a, p_b = x_a / n_a, x_b / n_b
    pooled = (x_a + x_b) / (n_a + n_b)
    tested = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    difference = p_a - p_b
    half = _z() * math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    p_value = 1.0 if tested == 0 else float(2 * stats.norm.sf(abs(difference) / tested))
    return Comparison(difference, difference - half, difference + half, p_value)


def _z_comparison(difference: float, error: float, scale: float) -> Comparison:
    if error == 0:
        return Comparison(scale * difference, scale * difference, scale * difference,
                          1.0 if difference == 0 else 0.0)  # fmt: skip
    half = _z() * error
    p_value = float(2 * stats.norm.sf(abs(difference) / error))
    return Comparison(
        scale * difference, scale * (difference - half), scale * (difference + half), p_value
    )
