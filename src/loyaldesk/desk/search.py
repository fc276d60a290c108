"""The one search box: case numbers, subjects, message texts, customer names and addresses."""

from __future__ import annotations

from django.db.models import Q

from loyaldesk.core.fulltext import matching_values, search_words
from loyaldesk.customers.selectors import search_customers

MAX_NUMBER_DIGITS = 18
# Like the big desks, search reads the newest matches only: a word found in a hundred
# thousand messages shows the cases of the latest thousand, found in bounded time.
MATCHES_PER_SOURCE = 1000


def is_small_number(text: str) -> bool:
    """Plain ASCII digits that fit a database integer (not '³', not 30 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_DIGITS


def search_condition(text: str) -> Q:
    """Which cases a search finds: '#123' is that case; otherwise every word must appear in the
    subject, in one message, or in the customer's name, or the text starts an email address."""
    text = text.strip()
    if text.startswith("#") and is_small_number(text[1:]):
        return Q(number=int(text[1:]))
    condition = Q(number=int(text)) if is_small_number(text) else Q(pk__in=[])
    customers = Q(customer__in=search_customers(text, MATCHES_PER_SOURCE).values("pk"))
    words = search_words(text)
    if "@" in text or not words:
        return condition | customers
    subjects = matching_values("desk_case", ["subject"], words, "id", MATCHES_PER_SOURCE)
    messages = matching_values("desk_message", ["text"], words, "case_id", MATCHES_PER_SOURCE)
    return condition | Q(pk__in=set(subjects) | set(messages)) | customers
