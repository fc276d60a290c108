"""Placeholders in canned replies, such as `{{ customer.first_name }}`.

Deliberately not the Django template engine: a macro's text is written in the admin and its
values come from customers, so only the whitelisted names below are replaced, by plain
substitution. No filters, tags, attribute lookups or recursion. No Django import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDERS = (
    "customer.first_name",
    "customer.last_name",
    "customer.full_name",
    "case.number",
    "case.reference",
    "case.subject",
    "agent.first_name",
    "agent.full_name",
)
# No braces inside and no line break: the scan stops at the next brace, so it stays linear
# however long or odd the text.
PLACEHOLDER = re.compile(r"\{\{([^{}\n]*)\}\}")


@dataclass(frozen=True)
class Rendered:
    """A text with its placeholders replaced, and the ones left as written because unknown."""

    text: str
    unknown: tuple[str, ...] = ()


def unknown_placeholders(template: str) -> tuple[str, ...]:
    """The placeholders in `template` that are not in the whitelist, as written, once each."""
    found = (match.group(0) for match in PLACEHOLDER.finditer(template))
    return tuple(dict.fromkeys(text for text in found if text[2:-2].strip() not in PLACEHOLDERS))


def render(template: str, values: Mapping[str, str]) -> Rendered:
    """Replace each whitelisted placeholder with its value; leave any other one visible."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in PLACEHOLDERS and name in values:
            return values[name]
        return match.group(0)

    # re.sub does not scan the values it inserts, so a value that looks like a placeholder
    # stays as written.
    return Rendered(PLACEHOLDER.sub(substitute, template), unknown_placeholders(template))
