"""Composing customer and agent messages from the phrasebook (no Django import)."""

from __future__ import annotations

from random import Random

from loyaldesk.demo.phrasebook import PHRASEBOOKS


class TextComposer:
    """Writes the messages of one case; `values` fill the phrasebook's placeholders."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self._random = rng.random

    def _pick(self, language: str, key: str, sub: str | None = None) -> str:
        options = PHRASEBOOKS[language][key]
        if sub is not None:
            options = options[sub]
        # Indexing by random() is several times faster than Random.choice, and as deterministic.
        return options[int(self._random() * len(options))]

    def _fill(self, template: str, values: dict[str, object]) -> str:
        return template.format_map(values)

    def subject(self, language: str, topic: str, values: dict[str, object]) -> str:
        return self._fill(self._pick(language, "subject", topic), values)

    def first_message(
        self, language: str, topic: str, mood: str, values: dict, *, repeat: bool = False
    ) -> str:
        """A customer's first email: greeting, problem, detail, mood, request, sign-off."""
        pick = self._pick
        sentences = []
        if repeat:
            sentences.append(pick(language, "repeat_contact", topic))
        sentences.append(pick(language, "opening", topic))
        if self.rng.random() < 0.7:
            sentences.append(pick(language, "detail", topic))
        if self.rng.random() < 0.8:
            sentences.append(pick(language, "mood_line", mood))
        sentences.append(pick(language, "request", topic))
        body = " ".join(sentences)
        closing = pick(language, "customer_closing", mood)
        greeting = pick(language, "customer_greeting")
        return self._fill(f"{greeting}\n\n{body}\n\n{closing}\n{{customer_name}}", values)

    def chat_message(self, language: str, topic: str, values: dict) -> str:
        return self._fill(self._pick(language, "chat_line", topic), values)

    def call_summary(self, language: str, topic: str, values: dict) -> str:
        return self._fill(self._pick(language, "call_summary", topic), values)

    def chaser(self, language: str, mood: str, values: dict) -> str:
        return self._fill(self._pick(language, "chaser", mood), values)

    def still_broken(self, language: str, values: dict) -> str:
        return self._fill(self._pick(language, "still_broken"), values)

    def thanks(self, language: str, mood: str, values: dict) -> str:
        return self._fill(self._pick(language, "customer_thanks", mood), values)

    def customer_detail(self, language: str, topic: str, values: dict) -> str:
        return self._fill(self._pick(language, "detail", topic), values)

    def agent_reply(
        self, language: str, topic: str, mood: str, values: dict, *, asks: bool, first: bool
    ) -> str:
        """An agent's reply: greeting, acknowledgement of the customer type, substance, sign-off."""
        pick = self._pick
        parts = [pick(language, "agent_greeting")]
        middle = [pick(language, "agent_empathy", mood)] if first or mood == "angry" else []
        middle.append(pick(language, "agent_question" if asks else "agent_answer", topic))
        parts.append(" ".join(middle))
        parts.append(pick(language, "agent_signoff"))
        return self._fill("\n\n".join(parts), values)

    def internal_note(self, language: str, topic: str, values: dict) -> str:
        return self._fill(self._pick(language, "internal_note", topic), values)
