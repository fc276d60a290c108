"""Phrasebook for the demo data generator.

Natural-sounding building blocks (greetings, openings, details, agent answers,
internal notes...) used to assemble realistic customer-service emails, chat
lines, phone-call notes and agent replies in English, French and Italian.

Every language module defines one ``PHRASES`` dict with exactly the same keys.
Templates use ``str.format`` placeholders, all of them listed in
``PLACEHOLDERS``.
"""

from loyaldesk.demo.phrasebook.en import PHRASES as EN
from loyaldesk.demo.phrasebook.fr import PHRASES as FR
from loyaldesk.demo.phrasebook.it import PHRASES as IT
from loyaldesk.demo.phrasebook.surveys_en import VERBATIMS as SURVEYS_EN
from loyaldesk.demo.phrasebook.surveys_fr import VERBATIMS as SURVEYS_FR
from loyaldesk.demo.phrasebook.surveys_it import VERBATIMS as SURVEYS_IT

TOPICS = (
    "delivery",
    "defect",
    "repair",
    "billing",
    "return_refund",
    "account",
    "how_to",
    "warranty",
    "data_loss",
    "praise",
)

MOODS = ("hesitant", "insistent", "friendly", "angry")

PLACEHOLDERS = frozenset(
    {
        "customer_name",
        "first_name",
        "agent_name",
        "product",
        "order",
        "serial",
        "days",
        "date",
        "amount",
        "case_ref",
        "company",
    }
)

PHRASEBOOKS: dict[str, dict] = {"en": EN, "fr": FR, "it": IT}
# Survey comments and recovery notes (``surveys_<language>``), with placeholders of their own.
SURVEY_PHRASEBOOKS: dict[str, dict] = {"en": SURVEYS_EN, "fr": SURVEYS_FR, "it": SURVEYS_IT}
SURVEY_PLACEHOLDERS = frozenset({"agent_name", "product"})

__all__ = [
    "MOODS",
    "PHRASEBOOKS",
    "PLACEHOLDERS",
    "SURVEY_PHRASEBOOKS",
    "SURVEY_PLACEHOLDERS",
    "TOPICS",
]
