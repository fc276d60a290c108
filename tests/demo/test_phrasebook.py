"""Sanity checks on the demo phrasebook (pure data, no Django needed)."""

import string

import pytest

from loyaldesk.demo.phrasebook import MOODS, PHRASEBOOKS, PLACEHOLDERS, TOPICS

# key -> (kind of sub-keys or None for a flat list, minimum number of variants)
STRUCTURE = {
    "customer_greeting": (None, 6),
    "subject": ("topic", 6),
    "opening": ("topic", 6),
    "detail": ("topic", 5),
    "mood_line": ("mood", 6),
    "request": ("topic", 5),
    "customer_closing": ("mood", 4),
    "chaser": ("mood", 5),
    "repeat_contact": ("topic", 4),
    "customer_thanks": ("mood", 4),
    "still_broken": (None, 6),
    "chat_line": ("topic", 5),
    "agent_greeting": (None, 6),
    "agent_empathy": ("mood", 5),
    "agent_answer": ("topic", 6),
    "agent_question": ("topic", 4),
    "agent_signoff": (None, 6),
    "internal_note": ("topic", 4),
    "call_summary": ("topic", 5),
    "resolution_note": (None, 6),
}

SUBKEYS = {"topic": TOPICS, "mood": MOODS}

SAMPLE_VALUES = {
    "customer_name": "Claire Martin",
    "first_name": "Claire",
    "agent_name": "Marco Rossi",
    "product": "Aria X2",
    "order": "A-104233",
    "serial": "SN-7F3K2Q9",
    "days": 5,
    "date": "12/03/2025",
    "amount": "149.90",
    "case_ref": "#10482",
    "company": "Acme Electronics",
}

LANGUAGES = sorted(PHRASEBOOKS)


def iter_lists(phrases):
    """Yield (label, list of strings) for every list in a PHRASES dict."""
    for key, value in phrases.items():
        if isinstance(value, dict):
            for sub, items in value.items():
                yield f"{key}.{sub}", items
        else:
            yield key, value


def iter_strings(phrases):
    for label, items in iter_lists(phrases):
        for text in items:
            yield label, text


def test_languages():
    assert set(PHRASEBOOKS) == {"en", "fr", "it"}


def test_constants():
    assert len(TOPICS) == len(set(TOPICS)) == 10
    assert MOODS == ("hesitant", "insistent", "friendly", "angry")
    assert isinstance(PLACEHOLDERS, frozenset)
    assert set(SAMPLE_VALUES) == PLACEHOLDERS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_structure_matches_spec(lang):
    phrases = PHRASEBOOKS[lang]
    assert set(phrases) == set(STRUCTURE)
    for key, (kind, _minimum) in STRUCTURE.items():
        value = phrases[key]
        if kind is None:
            assert isinstance(value, list), key
        else:
            assert isinstance(value, dict), key
            assert set(value) == set(SUBKEYS[kind]), key
            for sub, items in value.items():
                assert isinstance(items, list), f"{key}.{sub}"


def test_same_keys_in_every_language():
    reference = PHRASEBOOKS["en"]
    for lang, phrases in PHRASEBOOKS.items():
        assert set(phrases) == set(reference), lang
        for key, value in reference.items():
            if isinstance(value, dict):
                assert set(phrases[key]) == set(value), f"{lang}: {key}"
            else:
                assert isinstance(phrases[key], list), f"{lang}: {key}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_minimum_variants(lang):
    phrases = PHRASEBOOKS[lang]
    for key, (kind, minimum) in STRUCTURE.items():
        value = phrases[key]
        lists = {key: value} if kind is None else {f"{key}.{s}": v for s, v in value.items()}
        for label, items in lists.items():
            assert len(items) >= minimum, f"{lang}: {label} has {len(items)} < {minimum}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_duplicates(lang):
    for label, items in iter_lists(PHRASEBOOKS[lang]):
        dupes = {text for text in items if items.count(text) > 1}
        assert not dupes, f"{lang}: {label} duplicates {sorted(dupes)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_known(lang):
    formatter = string.Formatter()
    for label, text in iter_strings(PHRASEBOOKS[lang]):
        for _literal, field, _spec, _conv in formatter.parse(text):
            if field is not None:
                assert field in PLACEHOLDERS, f"{lang}: {label}: unknown {{{field}}} in {text!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_format(lang):
    for label, text in iter_strings(PHRASEBOOKS[lang]):
        try:
            result = text.format(**SAMPLE_VALUES)
        except (KeyError, IndexError, ValueError) as exc:  # pragma: no cover - message only
            pytest.fail(f"{lang}: {label}: {text!r} does not format: {exc!r}")
        assert "{" not in result, f"{lang}: {label}: {text!r}"
        assert "}" not in result, f"{lang}: {label}: {text!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_or_lorem(lang):
    for label, text in iter_strings(PHRASEBOOKS[lang]):
        assert isinstance(text, str), f"{lang}: {label}"
        assert text.strip(), f"{lang}: {label} has an empty string"
        assert text == text.strip(), f"{lang}: {label}: stray whitespace in {text!r}"
        assert "lorem" not in text.lower(), f"{lang}: {label}: {text!r}"
