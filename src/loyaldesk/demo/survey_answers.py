"""What customers answer to surveys, given the service they received (no Django import).

The planted survey truth (`SurveyEffects`): a case leaves its customer with a latent
satisfaction, and every score of its survey is read from it with noise of its own; the
relationship NPS reads the customer's whole history of cases. Comments are composed from the
survey phrasebook in the customer's language, about what went well or badly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from random import Random

from loyaldesk.demo.parameters import LoyaltyEffects, SurveyEffects
from loyaldesk.demo.phrasebook import SURVEY_PHRASEBOOKS
from loyaldesk.demo.simulation import CasePlan, Step, case_outcomes, was_reopened

# Topics about a product that failed: their comments may blame the product.
FAULT_TOPICS = frozenset({"defect", "repair", "warranty", "data_loss"})
# Steps at which the customer had to write to the desk.
EFFORT_STEPS = frozenset({Step.OPEN, Step.CHASER, Step.CUSTOMER_REPLY, Step.REOPEN})
SCORE_RANGE = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7), "expectation": (1, 5),
               "overall": (1, 4)}  # fmt: skip
# Headline scores up to the first bound read as negative, up to the second as mixed.
SENTIMENT_BOUNDS = {"csat": (2, 3), "nps": (6, 8), "ces": (3, 4), "expectation": (2, 3),
                    "overall": (1, 2)}  # fmt: skip
COMPLAINT_ORDER = ("not_solved", "slow", "repeat", "product")
BAD_OUTCOMES = frozenset({"slow", "unresolved", "repeat"})
# The `SurveyEffects` shift of each case outcome.
SHIFT_OF = {"slow": "shift_slow", "unresolved": "shift_unresolved",
            "repeat": "shift_repeat_contact", "recovered": "shift_recovered"}  # fmt: skip
# Aspects whose sentences name someone or something: only used when it is known.
NEEDS = {"agent": "agent_name", "product": "product"}
CLOSING_SHARE = 0.35


@dataclass(slots=True)
class Experience:
    """What a customer went through, with one case or with all their cases so far."""

    shift: float = 0.0
    """Latent satisfaction shift, in CSAT points."""
    cases: int = 0
    contacts: int = 1
    """Messages the customer had to write."""
    outcomes: set[str] = field(default_factory=set)
    complaints: set[str] = field(default_factory=set)
    """What a comment may blame: not_solved, slow, repeat, product."""
    last: CasePlan | None = None
    """The case whose agent and product a comment may name."""
    about_company: bool = False
    """The customer's whole relationship rather than one case."""

    @property
    def bad(self) -> bool:
        """Slow, unresolved or a repeat contact: such customers answer less often."""
        return not BAD_OUTCOMES.isdisjoint(self.outcomes)

    def praise(self) -> list[str]:
        """What a comment may praise."""
        praise = [] if self.about_company and not self.cases else ["kindness"]
        if not self.about_company:
            praise.append("agent")
        if self.cases and "unresolved" not in self.outcomes:
            praise += ["competence", "product"]
        if "recovered" in self.outcomes:
            praise.append("speed")
        if self.about_company:
            praise.append("company")
        return praise


def case_experience(plan: CasePlan, loyalty: LoyaltyEffects, effects: SurveyEffects) -> Experience:
    """The experience one case gave its customer, from the outcomes the simulation planted."""
    listed = case_outcomes(plan, loyalty)
    outcomes = set(listed)
    reopened = was_reopened(plan)
    written = sum(1 for _, code in plan.steps if code in EFFORT_STEPS)
    shift = effects.shift_reopened * reopened + effects.shift_per_contact * (written - 1)
    for outcome in listed:  # in a fixed order, so the sum is the same on every run
        shift += getattr(effects, SHIFT_OF[outcome])
    contacts = written + ("repeat" in outcomes)
    complaints = set()
    if "unresolved" in outcomes:
        complaints.add("not_solved")
    if "slow" in outcomes:
        complaints.add("slow")
    if "repeat" in outcomes or reopened or contacts >= 3:
        complaints.add("repeat")
    if plan.topic in FAULT_TOPICS:
        complaints.add("product")
    return Experience(shift, 1, contacts, outcomes, complaints, plan)


def history_experience(cases: Iterable[Experience]) -> Experience:
    """A customer's accumulated experience: the shifts of all their cases add up."""
    total = Experience(about_company=True)
    for case in cases:
        total.shift += case.shift
        total.cases += 1
        total.outcomes |= case.outcomes
        total.complaints |= case.complaints
        total.last = case.last
    return total


def sentiment(kind: str, score: int) -> str:
    """How a headline score reads: negative, mixed or positive."""
    negative, mixed = SENTIMENT_BOUNDS[kind]
    if score <= negative:
        return "negative"
    return "mixed" if score <= mixed else "positive"


def _bounded(kind: str, value: float) -> int:
    low, high = SCORE_RANGE[kind]
    return min(high, max(low, round(value)))


class AnswerModel:
    """Draws whether a customer answers, their scores and their comment, from one stream."""

    def __init__(self, effects: SurveyEffects, rng: Random) -> None:
        self.p, self.rng = effects, rng

    def responds(self, experience: Experience, left: bool) -> bool:
        """Whether the customer answers at all."""
        p = self.p
        rate = p.response_rate * (p.response_multiplier_bad if experience.bad else 1.0)
        rate *= p.response_multiplier_left if left else 1.0
        return self.rng.random() < rate

    def scores(self, kinds: Sequence[str], experience: Experience, left: bool) -> dict[str, int]:
        """A score for each scored question of the survey, all read from one satisfaction."""
        p, gauss = self.p, self.rng.gauss
        noise = gauss(0.0, p.satisfaction_spread)
        deviation = experience.shift + noise
        satisfaction = p.satisfaction + deviation
        scores = {}
        for kind in kinds:
            if kind == "csat":
                value = satisfaction
            elif kind == "expectation":
                # Measured against what the customer expected: the service counts, noise less.
                value = 3 + p.expectation_per_shift * (experience.shift + noise / 2)
                value += gauss(0.0, 0.5)
            elif kind == "overall":
                value = 1 + 0.75 * (satisfaction - 1) + gauss(0.0, 0.35)
            elif kind == "ces":
                value = p.effort + p.effort_per_contact * (experience.contacts - 1)
                value += 0.4 * deviation + gauss(0.0, 0.8)
            else:
                value = p.nps + p.nps_per_shift * experience.shift + gauss(0.0, p.nps_spread)
                value += p.nps_shift_left if left else 0.0
            scores[kind] = _bounded(kind, value)
        return scores

    def writes_comment(self, mood: str) -> bool:
        share = self.p.text_share_unhappy if mood == "negative" else self.p.text_share
        return self.rng.random() < share

    def comment(
        self, language: str, mood: str, experience: Experience, values: dict[str, str]
    ) -> str:
        """A comment in the customer's language about what went well or badly; `values` name
        the agent and the product, when they are known."""
        book = SURVEY_PHRASEBOOKS[language]
        praise = [a for a in experience.praise() if a not in NEEDS or NEEDS[a] in values]
        complaints = [a for a in COMPLAINT_ORDER if a in experience.complaints
                      and (a not in NEEDS or NEEDS[a] in values)]  # fmt: skip
        if not complaints:
            # Unhappy for no reason the desk recorded: the service in general, or the answers.
            complaints = [self._pick(["competence", "company"]) if values else "company"]
        if mood == "positive":
            aspects = [("praise", a) for a in self._some(praise, 2)]
        elif mood == "negative":
            aspects = [("complaint", a) for a in complaints[: 1 + (self.rng.random() < 0.4)]]
        else:
            aspects = [("praise", self._pick(praise)), ("complaint", complaints[0])]
        parts = [self._pick(book["opening"][mood])]
        parts += [self._pick(book[kind][aspect]).format_map(values) for kind, aspect in aspects]
        if self.rng.random() < CLOSING_SHARE:
            parts.append(self._pick(book["closing"][mood]))
        return " ".join(parts)

    def _pick(self, options: Sequence[str]) -> str:
        return options[int(self.rng.random() * len(options))]

    def _some(self, options: Sequence[str], most: int) -> list[str]:
        count = min(len(options), 1 + int(self.rng.random() * most))
        return self.rng.sample(list(options), count)

    def delay(self, median_seconds: float, sigma: float) -> float:
        """A log-normal waiting time."""
        return self.rng.lognormvariate(math.log(median_seconds), sigma)
