"""The one search box: case numbers, subjects, message texts, customer names and addresses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class SearchMatches:
    """Which cases a search finds; `newest_only` when a kind of match reached the limit, so
    older matches of that kind were left out."""

    condition: Q
    newest_only: bool = False


def search_matches(text: str) -> SearchMatches:
    """Which cases a search finds: '#123' is that case; otherwise every word must appear in the
    subject, in one message, or in the customer's name, or the text starts an email address."""
    text = text.strip()
    if text.startswith("#") and is_small_number(text[1:]):
        return SearchMatches(Q(number=int(text[1:])))
    condition = Q(number=int(text)) if is_small_number(text) else Q(pk__in_list=[])
    if "@" in text:
        cases, newest_only = _customers(text, MATCHES_PER_SOURCE)(prefix=None)
        found = set(cases)
    else:
        found, newest_only = _cases_with_words(text, search_words(text))
    # Case ids, not subqueries: with a subquery in the OR, PostgreSQL reads the case list's
    # sort index testing every row (50 ms for a common name); with ids it fetches them.
    return SearchMatches(condition | Q(pk__in_list=sorted(found)), newest_only)


def _cases_with_words(text: str, words: list[str]) -> tuple[set[int], bool]:
    """Cases whose customer's name, subject or one message holds every word, and whether a
    source reached the limit. Whole words first; words as prefixes only when whole words found
    fewer matches than the limit in each of the three, and fewer cases than that in all: each
    prefix lookup reads every row it matches."""
    if not words:
        return set(), False
    limit = MATCHES_PER_SOURCE
    sources = [
        _customers(text, limit),
        _indexed("desk_case", "subject", words, "id", limit),
        _indexed("desk_message", "text", words, "case_id", limit),
    ]
    found: set[int] = set()
    newest_only = False
    short = []
    for read in sources:
        cases, full = read(prefix=False)
        found.update(cases)
        newest_only = newest_only or full
        if not full:
            short.append(read)
    if len(short) == len(sources) and len(found) < limit:
        for read in short:
            cases, full = read(prefix=True)
            found.update(cases)
            newest_only = newest_only or full
    return found, newest_only


Source = Callable[..., tuple[list[int], bool]]


def _customers(text: str, limit: int) -> Source:
    """The newest cases of the customers the text names, and whether some were left out.
    Merged customers' cases have moved to the customer they were merged into, so the ids need
    no check of their own; as a list, not a subquery, they let PostgreSQL read the case index
    customer by customer."""

    def read(*, prefix: bool | None) -> tuple[list[int], bool]:
        customers = matching_customer_ids(text, limit, prefix=prefix)
        cases = Case.objects.filter(customer__in=customers).order_by().values_list("pk", flat=True)
        ordered = sorted(cases)
        return ordered[-limit:], len(customers) >= limit or len(ordered) > limit

    return read


def _indexed(table: str, column: str, words: list[str], select: str, limit: int) -> Source:
    """The cases of the newest matches in one full-text index, and whether it reached the
    limit."""

    def read(*, prefix: bool | None) -> tuple[list[int], bool]:
        values = matching_values(table, [column], words, select, limit, prefix=prefix)
        return values, len(values) >= limit

    return read
