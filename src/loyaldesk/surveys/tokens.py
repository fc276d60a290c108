"""Survey link tokens: 256 random bits in the link, only their SHA-256 in the database."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh token for a link, and the digest to store."""
    clear = secrets.token_urlsafe(32)
    return clear, digest_of(clear)


def digest_of(clear: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(clear.encode()).hexdigest()
