"""The case state machine: statuses, allowed transitions, what each status does to SLA clocks.

This is the one place that decides whether a case may move from one status to another.
No Django import, so it can be tested and reused alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_CUSTOMER = "pending_customer"
    PENDING_INTERNAL = "pending_internal"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Clock(StrEnum):
    """What a status does to service-level clocks."""

    RUNS = "runs"
    PAUSED = "paused"
    STOPPED = "stopped"


CLOCK = {
    Status.NEW: Clock.RUNS,
    Status.OPEN: Clock.RUNS,
    # Waiting on the customer is not the desk's delay; waiting on a colleague still is.
    Status.PENDING_CUSTOMER: Clock.PAUSED,
    Status.PENDING_INTERNAL: Clock.RUNS,
    Status.RESOLVED: Clock.STOPPED,
    Status.CLOSED: Clock.STOPPED,
}

ALLOWED = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL, Status.RESOLVED}
    ),
    Status.OPEN: frozenset({Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL, Status.RESOLVED}),
    Status.PENDING_CUSTOMER: frozenset({Status.OPEN, Status.PENDING_INTERNAL, Status.RESOLVED}),
    Status.PENDING_INTERNAL: frozenset({Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED}),
    # Reopening goes back to open; a closed case is final and a new contact opens a new case.
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

ACTIVE = frozenset(status for status, clock in CLOCK.items() if clock is not Clock.STOPPED)


class TransitionNotAllowed(ValueError):
    """A status change the case lifecycle forbids."""

    def __init__(self, current: Status, target: Status) -> None:
        super().__init__(f"a case cannot go from {current} to {target}")
        self.current = current
        self.target = target


class TracksStatus(Protocol):
    """What a status move updates: a Case, or a case being generated as rows."""

    status: Status | str
    resolved_at: Any
    closed_at: Any
    reopen_count: int


def apply_move(case: TracksStatus, target: Status, at: Any) -> tuple[Status, str]:
    """Move `case` to `target` at `at`, as the lifecycle allows; return the old status and the
    kind of event the move records (case.reopened or case.status_changed)."""
    current = case.status if isinstance(case.status, Status) else Status(case.status)
    if target not in ALLOWED[current]:
        raise TransitionNotAllowed(current, target)
    case.status = target
    if target is Status.RESOLVED:
        case.resolved_at = at
    elif target is Status.CLOSED:
        case.closed_at = at
    elif current is Status.RESOLVED:
        case.reopen_count += 1
        case.resolved_at = None
        return current, "case.reopened"
    return current, "case.status_changed"


def status_on_customer_message(current: Status | str) -> Status | None:
    """Where a customer's new message moves a case, or None if it stays (or cannot take one)."""
    current = Status(current)
    if current in (Status.PENDING_CUSTOMER, Status.RESOLVED):
        return Status.OPEN
    return None
