"""Whether an owned product is still under warranty on a given day (no Django import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

EXPIRING_WITHIN_DAYS = 30


class WarrantyState(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class Warranty:
    state: WarrantyState
    days_left: int


def warranty_on(purchased_on: date, ends_on: date, today: date) -> Warranty:
    """The warranty state on a day; 'expiring' within EXPIRING_WITHIN_DAYS of its last day."""
    if today < purchased_on:
        return Warranty(WarrantyState.NOT_STARTED, (ends_on - today).days)
    days_left = (ends_on - today).days
    if days_left < 0:
        return Warranty(WarrantyState.EXPIRED, 0)
    if days_left <= EXPIRING_WITHIN_DAYS:
        return Warranty(WarrantyState.EXPIRING, days_left)
    return Warranty(WarrantyState.ACTIVE, days_left)
