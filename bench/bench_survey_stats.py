"""Survey statistics over 10,000,000 answers: loyaldesk.surveys.statistics against plain Python.

Run: .venv/bin/python bench/bench_survey_stats.py [--answers 10000000] [--repeats 5]

Ten million answers of each kind (NPS 0-10, CSAT 1-5, CES 1-7, drawn with realistic skews, as
the int8 arrays an aggregate query hands over) are computed into every figure a dashboard shows:
NPS with its interval, CSAT mean and top-two-box share, CES mean, the response rate, the
comparison of two halves (NPS z-test, Welch's t-test on CSAT), and NPS and CSAT for each of 300
agents. The baseline is the obvious implementation with the standard library (Counter and
statistics) on the same answers, run once. Median of the repeats, and the ratio, as Markdown.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter

import numpy as np

from loyaldesk.surveys import statistics as survey

TARGET_SECONDS = 1.0
AGENTS = 300


def draw(answers: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Answers with the skew surveys have: many 9s and 10s, CSAT mostly 4-5, CES mostly low."""
    rng = np.random.default_rng(seed)
    nps_weights = np.array([2, 1, 1, 2, 2, 4, 5, 8, 14, 22, 39], dtype=float)
    csat_weights = np.array([6, 5, 10, 30, 49], dtype=float)
    ces_weights = np.array([30, 25, 15, 12, 8, 6, 4], dtype=float)
    return {
        "nps": rng.choice(11, answers, p=nps_weights / nps_weights.sum()).astype(np.int8),
        "csat": (rng.choice(5, answers, p=csat_weights / csat_weights.sum()) + 1).astype(np.int8),
        "ces": (rng.choice(7, answers, p=ces_weights / ces_weights.sum()) + 1).astype(np.int8),
        "agent": rng.integers(0, AGENTS, answers, dtype=np.int32),
    }


def dashboard(data: dict[str, np.ndarray]) -> dict:
    """Every figure of the first dashboard, with loyaldesk's statistics."""
    half = data["nps"].size // 2
    return {
        "nps": survey.nps(data["nps"]).score.value,
        "csat": survey.mean(data["csat"]).value,
        "csat_top_box": survey.top_box(data["csat"], 4).value,
        "ces": survey.mean(data["ces"]).value,
        "response_rate": survey.response_rate(4 * data["nps"].size, data["nps"].size).value,
        "nps_halves": survey.compare_nps(data["nps"][:half], data["nps"][half:]).difference,
        "csat_halves": survey.compare_means(data["csat"][:half], data["csat"][half:]).difference,
        "nps_agent_0": survey.nps_by_group(data["agent"], data["nps"])[0].score.value,
        "csat_agent_0": survey.means_by_group(data["agent"], data["csat"], range(1, 6))[0].value,
    }


def plain_dashboard(data: dict[str, list[int]]) -> dict:
    """The same figures with the standard library, as a first version would write them."""
    nps, csat, ces = data["nps"], data["csat"], data["ces"]
    counts = Counter(nps)
    promoters, detractors = counts[9] + counts[10], sum(counts[s] for s in range(7))
    half = len(nps) // 2

    def net(scores: list[int]) -> float:
        c = Counter(scores)
        return 100 * (c[9] + c[10] - sum(c[s] for s in range(7))) / len(scores)

    return {
        "nps": 100 * (promoters - detractors) / len(nps),
        "nps_margin": 1.96
        * statistics.pstdev([1 if s >= 9 else -1 if s <= 6 else 0 for s in nps])
        / len(nps) ** 0.5,
        "csat": statistics.fmean(csat),
        "csat_sd": statistics.stdev(csat),
        "csat_top_box": sum(1 for s in csat if s >= 4) / len(csat),
        "ces": statistics.fmean(ces),
        "ces_sd": statistics.stdev(ces),
        "nps_halves": net(nps[:half]) - net(nps[half:]),
        "csat_halves": statistics.fmean(csat[:half]) - statistics.fmean(csat[half:]),
        **_per_agent(data["agent"], nps, csat),
    }


def _per_agent(agents: list[int], nps: list[int], csat: list[int]) -> dict:
    by_agent: dict[int, tuple[list[int], list[int]]] = {}
    for agent, promoter_score, satisfaction in zip(agents, nps, csat, strict=True):
        scores = by_agent.setdefault(agent, ([], []))
        scores[0].append(promoter_score)
        scores[1].append(satisfaction)
    figures = {}
    for agent, (promoter_scores, satisfactions) in by_agent.items():
        c = Counter(promoter_scores)
        net = c[9] + c[10] - sum(c[s] for s in range(7))
        figures[f"nps_agent_{agent}"] = 100 * net / len(promoter_scores)
        figures[f"csat_agent_{agent}"] = statistics.fmean(satisfactions)
        figures[f"csat_sd_agent_{agent}"] = statistics.stdev(satisfactions)
    return figures


def timed(work, *args) -> tuple[float, object]:
    began = time.perf_counter()
    result = work(*args)
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = draw(args.answers)
    times = []
    for _ in range(args.repeats):
        seconds, figures = timed(dashboard, data)
        times.append(seconds)
    ours = statistics.median(times)
    plain = {kind: values.tolist() for kind, values in data.items()}
    baseline, plain_figures = timed(plain_dashboard, plain)
    checked = ("nps", "csat", "csat_top_box", "ces", "nps_halves", "csat_halves", "nps_agent_0")
    for key in (*checked, "csat_agent_0"):
        assert abs(figures[key] - plain_figures[key]) < 1e-6, key
    print(f"| answers of each kind | loyaldesk median s ({args.repeats} runs) | standard library s "
          "| ratio | < 1 s |")  # fmt: skip
    print("|---:|---:|---:|---:|:---:|")
    verdict = "pass" if ours < TARGET_SECONDS else "**fail**"
    ratio = baseline / ours
    print(f"| {args.answers:,} | {ours:.3f} | {baseline:.1f} | {ratio:.0f}x | {verdict} |")
    runs = ", ".join(f"{t:.3f}" for t in times)
    agreed = f"NPS {figures['nps']:.2f}, CSAT {figures['csat']:.3f}, CES {figures['ces']:.3f}"
    print(f"\nruns: {runs} s; the figures agree with the baseline's: {agreed}")


if __name__ == "__main__":
    main()
