"""The phone channel's settings, read from the environment when used (docs/configuration.md).

Read at each use rather than once in settings.py, so a rotated secret applies without a
restart of every web worker; the app checks the numbers at start-up (apps.py), so a value that
is not one stops the start with the variable's name, as settings.py does.
"""

from __future__ import annotations

import os

from loyaldesk.config import env_int

DEFAULT_MAX_BODY_BYTES = 65_536
DEFAULT_TOLERANCE_SECONDS = 300
# Most call centres leave out hang-ups within the first 5-10 seconds from their abandon rate.
DEFAULT_SHORT_ABANDON_SECONDS = 10


def telephony_secret() -> str:
    """The webhook's signing secret; empty means the webhook is switched off."""
    return os.environ.get("LOYALDESK_TELEPHONY_SECRET", "").strip()


def max_body_bytes() -> int:
    """The largest webhook body accepted."""
    return env_int("LOYALDESK_TELEPHONY_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)


def tolerance_seconds() -> int:
    """How far a request's signed timestamp may be from now before it is refused as a replay."""
    return env_int("LOYALDESK_TELEPHONY_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS)


def short_abandon_seconds() -> int:
    """Callers who hang up sooner than this in the queue are short abandons: no case."""
    return env_int("LOYALDESK_PHONE_SHORT_ABANDON_SECONDS", DEFAULT_SHORT_ABANDON_SECONDS)
