"""Email threading: subjects and headers that keep a case one conversation in any mail client.

No Django import, so it can be tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REPLY_PREFIX = re.compile(r"^\s*((re|aw|r|rif|sv|wg|fwd?|tr)\s*:\s*)+", re.IGNORECASE)
MAX_REFERENCES = 20


def reply_subject(subject: str, reference: str) -> str:
    """'Re: <subject> [<reference>]', with the case reference once, whatever came before."""
    bare = REPLY_PREFIX.sub("", subject).replace(f"[{reference}]", "").strip()
    return f"Re: {bare} [{reference}]" if bare else f"Re: [{reference}]"


def references_header(message_ids: Iterable[str]) -> str:
    """The References header: the thread's Message-IDs, oldest first, the first one and the
    latest ones kept when the thread is long (as RFC 5322 suggests)."""
    ids = [mid for mid in dict.fromkeys(message_ids) if mid]
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return " ".join(ids)


def domain_of(address: str) -> str:
    """The domain of an email address, for Message-IDs that say who made them."""
    return address.rpartition("@")[2].strip("> ") or "localhost"
