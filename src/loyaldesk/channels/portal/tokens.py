"""Sign-in tokens: random, sent once, kept only as a hash (no Django import)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh URL-safe token with 256 bits of randomness."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, so a copy of the table signs nobody in."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
