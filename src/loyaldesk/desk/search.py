"""The one search box: case numbers, subjects, message texts, customer names and addresses."""

from __future__ import annotations

from functools import partial

from django.db.models import Q

from loyaldesk.core.fulltext import matching_values, search_words
from loyaldesk.customers.selectors import matching_customer_ids
from loyaldesk.desk.models import Case

MAX_NUMBER_DIGITS = 18
# Like the big desks, search reads the newest matches only: a word found in a hundred
# thousand messages shows the cases of the latest 200, found in bounded time. With 1,000, a
# two-word search on PostgreSQL took 200 to 300 ms at 3.2 million messages.
MATCHES_PER_SOURCE = 200


def is_small_number(text: str) -> bool:
    """Plain ASCII digits that fit a database integer (not '³', not 30 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_DIGITS


def search_condition(text: str) -> Q:
    """Which cases a search finds: '#123' is that case; otherwise every word must appear in the
    subject, in one message, or in the customer's name, or the text starts an email address."""
    text = text.strip()
    if text.startswith("#") and is_small_number(text[1:]):
        return Q(number=int(text[1:]))
    condition = Q(number=int(text)) if is_small_number(text) else Q(pk__in_list=[])
    if "@" in text:
        found = _customers_cases(matching_customer_ids(text, MATCHES_PER_SOURCE))
    else:
        found = _cases_with_words(text, search_words(text))
    # Case ids, not subqueries: with a subquery in the OR, PostgreSQL reads the case list's
    # sort index testing every row (50 ms for a common name); with ids it fetches them.
    return condition | Q(pk__in_list=sorted(found))


def _cases_with_words(text: str, words: list[str]) -> set[int]:
    """Cases whose customer's name, subject or one message holds every word. Whole words
    first; words as prefixes only when whole words found fewer matches than the limit in each
    of the three, and fewer cases than that in all: each prefix lookup reads every row it
    matches."""
    if not words:
        return set()
    limit = MATCHES_PER_SOURCE
    sources = [
        (partial(matching_customer_ids, text, limit), _customers_cases),
        (partial(matching_values, "desk_case", ["subject"], words, "id", limit), list),
        (partial(matching_values, "desk_message", ["text"], words, "case_id", limit), list),
    ]
    found: set[int] = set()
    short = []
    for read, to_cases in sources:
        values = read(prefix=False)
        found.update(to_cases(values))
        if len(values) < limit:
            short.append((read, to_cases))
    if len(short) == len(sources) and len(found) < limit:
        for read, to_cases in short:
            found.update(to_cases(read(prefix=True)))
    return found


def _customers_cases(customers: list[int]) -> list[int]:
    """The newest cases of these customers. Merged customers' cases have moved to the customer
    they were merged into, so the ids need no check of their own; as a list, not a subquery,
    they let PostgreSQL read the case index customer by customer."""
    cases = Case.objects.filter(customer__in=customers).order_by().values_list("pk", flat=True)
    return sorted(cases)[-MATCHES_PER_SOURCE:]
