"""The rating scales of the standard questions: their ranges, labels, and which answers call for
a recovery."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Scale:
    """A question's scores, lowest first, with the words shown for each and the default prompt."""

    low: int
    high: int
    prompt: Promise
    labels: dict[int, Promise]
    # Scores that open a recovery task.
    unhappy_up_to: int | None = None

    @property
    def scores(self) -> range:
        return range(self.low, self.high + 1)

    def label(self, score: int) -> str:
        """The word for a score, or the number itself when the scale names only its ends."""
        label = self.labels.get(score)
        return str(label) if label is not None else str(score)

    def is_unhappy(self, score: int | None) -> bool:
        return score is not None and self.unhappy_up_to is not None and score <= self.unhappy_up_to


SCALES: dict[str, Scale] = {
    "csat": Scale(
        1,
        5,
        _("How satisfied are you with the help you received?"),
        {
            1: _("Very dissatisfied"),
            2: _("Dissatisfied"),
            3: _("Neither"),
            4: _("Satisfied"),
            5: _("Very satisfied"),
        },
        unhappy_up_to=2,
    ),
    "nps": Scale(
        0,
        10,
        _("How likely are you to recommend us to a friend or colleague?"),
        {0: _("Not at all likely"), 10: _("Extremely likely")},
        unhappy_up_to=6,
    ),
    "ces": Scale(
        1,
        7,
        _("How easy was it to get your problem solved?"),
        {1: _("Very difficult"), 4: _("Neither"), 7: _("Very easy")},
    ),
    "expectation": Scale(
        1,
        5,
        _("Compared with what you expected, our service was…"),
        {
            1: _("Much worse"),
            2: _("Worse"),
            3: _("As expected"),
            4: _("Better"),
            5: _("Much better"),
        },
        unhappy_up_to=1,
    ),
    "overall": Scale(
        1,
        4,
        _("Overall, how was your experience?"),
        {1: _("Bad"), 2: _("Neutral"), 3: _("Good"), 4: _("Excellent")},
    ),
}

TEXT_PROMPT = _("Would you like to tell us more?")
CHOICE_PROMPT = _("Please choose one.")
