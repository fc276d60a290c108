"""Reading the telephony webhook's JSON into a call report (no Django import).

The document is described in docs/telephony.md. Every problem is one InvalidReport whose
message says what is wrong, for the 400 answer and the kept report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from loyaldesk.customers.identities import InvalidAddress, normalise_phone

EVENTS = ("queued", "ringing", "answered", "ended")
DIRECTIONS = ("inbound", "outbound")
FINAL_OUTCOMES = {
    "inbound": ("answered", "abandoned", "missed", "voicemail"),
    "outbound": ("answered", "voicemail", "no_answer", "busy"),
}
MAX_SECONDS = 7 * 24 * 3600
TEXT_FIELDS = {"agent": 150, "queue": 50, "caller_name": 200, "notes": 10_000}


class InvalidReport(ValueError):
    """The body is not a call report this desk can read; the message says why."""


@dataclass(frozen=True)
class CallReport:
    """What one webhook request says about a call; None where it says nothing."""

    call_id: str
    event: str
    direction: str
    caller: str
    called: str
    occurred_at: datetime
    outcome: str | None
    started_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    wait_seconds: int | None
    talk_seconds: int | None
    agent: str
    queue: str
    caller_name: str
    notes: str

    @property
    def customer_number(self) -> str:
        """The customer's end: who called us, or whom we called."""
        return self.caller if self.direction == "inbound" else self.called


def read_report(body: bytes) -> CallReport:
    """Parse and check one webhook body."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidReport(f"the body is not JSON in UTF-8: {error}") from None
    if not isinstance(document, dict):
        raise InvalidReport("the body must be a JSON object")
    event = _choice(document, "event", EVENTS)
    direction = _choice(document, "direction", DIRECTIONS)
    outcome = _outcome(document, event, direction)
    fields = {name: _text(document, name, limit) for name, limit in TEXT_FIELDS.items()}
    report = CallReport(
        call_id=_call_id(document),
        event=event,
        direction=direction,
        caller=_number(document, "from", required=False, customer_end=direction == "inbound"),
        called=_number(
            document, "to", required=direction == "outbound", customer_end=direction == "outbound"
        ),
        occurred_at=_instant(document, "occurred_at", required=True),
        outcome=outcome,
        started_at=_instant(document, "started_at"),
        answered_at=_instant(document, "answered_at"),
        ended_at=_instant(document, "ended_at"),
        wait_seconds=_seconds(document, "wait_seconds"),
        talk_seconds=_seconds(document, "talk_seconds"),
        **fields,
    )
    _check_order(report)
    return report


def _call_id(document: dict) -> str:
    value = document.get("call_id")
    if not isinstance(value, str) or not value.strip():
        raise InvalidReport("call_id is required: a non-empty string")
    if len(value) > 255:
        raise InvalidReport("call_id is longer than 255 characters")
    return value.strip()


def _choice(document: dict, name: str, allowed: tuple[str, ...]) -> str:
    value = document.get(name)
    if value not in allowed:
        raise InvalidReport(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _outcome(document: dict, event: str, direction: str) -> str | None:
    """The outcome: implied by 'answered', required with 'ended', absent before."""
    value = document.get("outcome")
    if event == "answered":
        if value not in (None, "answered"):
            raise InvalidReport("an 'answered' event has the outcome 'answered' or none")
        return "answered"
    if event == "ended":
        allowed = FINAL_OUTCOMES[direction]
        if value not in allowed:
            raise InvalidReport(
                f"an 'ended' {direction} call needs an outcome among {', '.join(allowed)}; "
                f"got {value!r}"
            )
        return value
    if value is not None:
        raise InvalidReport(f"a {event!r} event has no outcome yet")
    return None


def _text(document: dict, name: str, limit: int) -> str:
    value = document.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidReport(f"{name} must be a string")
    if len(value) > limit:
        raise InvalidReport(f"{name} is longer than {limit} characters")
    return value.strip()


def _number(document: dict, name: str, *, required: bool, customer_end: bool) -> str:
    """The customer's end must be a phone number when given (absent: withheld); the desk's own
    end may be anything the telephony system names it by (an extension)."""
    value = document.get(name)
    if value in (None, ""):
        if required:
            raise InvalidReport(f"{name} is required: the customer's phone number")
        return ""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidReport(f"{name} must be a phone number as a string")
    try:
        return normalise_phone(value)
    except InvalidAddress:
        if customer_end:
            raise InvalidReport(f"{name} is not a phone number: {value!r}") from None
        return value.strip()


def _instant(document: dict, name: str, *, required: bool = False) -> datetime | None:
    value = document.get(name)
    if value is None:
        if required:
            raise InvalidReport(f"{name} is required: an ISO 8601 time with its offset")
        return None
    if not isinstance(value, str):
        raise InvalidReport(f"{name} must be an ISO 8601 time as a string")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidReport(f"{name} is not an ISO 8601 time: {value!r}") from None
    if instant.tzinfo is None:
        raise InvalidReport(f"{name} needs a UTC offset ('Z' or '+01:00'): {value!r}")
    return instant


def _seconds(document: dict, name: str) -> int | None:
    value = document.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidReport(f"{name} must be a number of seconds")
    if not 0 <= value <= MAX_SECONDS:
        raise InvalidReport(f"{name} must be between 0 and {MAX_SECONDS}")
    return round(value)


def _check_order(report: CallReport) -> None:
    start, answer, end = report.started_at, report.answered_at, report.ended_at
    if start and answer and answer < start:
        raise InvalidReport("answered_at is before started_at")
    if end and (answer or start) and end < (answer or start):
        raise InvalidReport("ended_at is before the call was answered or started")
