"""Submission keys: a signed, dated random key in each portal form.

The key makes a form's submission idempotent (it becomes the message's external id, so a
second post of the same form finds the first message instead of adding another) and
dates the form, so a form left open for days is sent again rather than replayed.
"""

from __future__ import annotations

import re
import secrets

from django.core import signing

MAX_AGE_SECONDS = 2 * 24 * 3600
NONCE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def new_submission_key(purpose: str) -> str:
    """A fresh key for one form of `purpose` ("case", "reply", "contact")."""
    return signing.dumps(secrets.token_urlsafe(16), salt=f"portal.{purpose}")


def submission_nonce(key: str, purpose: str) -> str | None:
    """The random part of a key we issued for `purpose` within two days, else None."""
    try:
        nonce = signing.loads(key, salt=f"portal.{purpose}", max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return nonce if isinstance(nonce, str) and NONCE_SHAPE.match(nonce) else None
