"""Guessing which of the desk's languages a customer writes in, from their words.

py3langid's model ships inside the package (nothing is downloaded); it is read once, on
first use, and asked to choose among the desk's languages only.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this probability the words do not say (a subject alone, "ok", "merci").
CONFIDENT = 0.9


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([code for code, _ in settings.LANGUAGES])
    return identifier


def guess_language(text: str) -> str | None:
    """The desk language the text is written in, or None when the text does not say."""
    if not text.strip():
        return None
    language, probability = _identifier().classify(text)
    return language if probability >= CONFIDENT else None
