"""Sanity checks on the survey phrasebook: comments and recovery notes (pure data)."""

import string

import pytest

from loyaldesk.demo.phrasebook import SURVEY_PHRASEBOOKS, SURVEY_PLACEHOLDERS

SAMPLE_VALUES = {"agent_name": "Giulia", "product": "Aria X1 vacuum cleaner"}
LANGUAGES = sorted(SURVEY_PHRASEBOOKS)
# Lists that the composer uses without a product or an agent to name.
NO_PLACEHOLDER = ("opening", "closing", "recovery_note")


def lists(phrases):
    for key, value in phrases.items():
        for sub, items in value.items():
            yield f"{key}.{sub}", items


def test_every_language_has_the_same_lists():
    assert set(SURVEY_PHRASEBOOKS) == {"en", "fr", "it"}
    reference = {label for label, _ in lists(SURVEY_PHRASEBOOKS["en"])}
    for language in LANGUAGES:
        assert {label for label, _ in lists(SURVEY_PHRASEBOOKS[language])} == reference
    assert {"opening.negative", "complaint.not_solved", "praise.speed"} <= reference


@pytest.mark.parametrize("language", LANGUAGES)
def test_phrases_are_distinct_filled_and_clean(language):
    formatter = string.Formatter()
    for label, items in lists(SURVEY_PHRASEBOOKS[language]):
        assert len(items) >= 4, label
        assert len(set(items)) == len(items), label
        for text in items:
            fields = {field for _, field, _, _ in formatter.parse(text) if field is not None}
            assert fields <= SURVEY_PLACEHOLDERS, (label, text)
            if label.startswith(NO_PLACEHOLDER):
                assert not fields, (label, text)
            filled = text.format(**SAMPLE_VALUES)
            assert filled == filled.strip(), (label, text)
            assert "{" not in filled, (label, text)
            assert filled[-1] in ".!", (label, text)
