"""Recording events: every service that changes a case or a customer calls this."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import ActorKind, Case, Event
from loyaldesk.webhooks.services import queue_deliveries, queue_deliveries_for


def new_event(
    kind: str,
    *,
    case: Case | None = None,
    customer: Customer | None = None,
    actor: User | None = None,
    by_customer: bool = False,
    at: datetime | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """An event not saved yet: its actor kind follows from who acted."""
    if actor is not None:
        actor_kind = ActorKind.STAFF
    elif by_customer:
        actor_kind = ActorKind.CUSTOMER
    else:
        actor_kind = ActorKind.SYSTEM
    return Event(
        kind=kind,
        case=case,
        customer_id=customer.pk if customer is not None else (case.customer_id if case else None),
        actor=actor,
        actor_kind=actor_kind,
        at=at or timezone.now(),
        before=before or {},
        after=after or {},
    )


def record_event(
    kind: str,
    *,
    case: Case | None = None,
    customer: Customer | None = None,
    actor: User | None = None,
    by_customer: bool = False,
    at: datetime | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Append one event; call inside the transaction of the change it records."""
    event = new_event(
        kind,
        case=case,
        customer=customer,
        actor=actor,
        by_customer=by_customer,
        at=at,
        before=before,
        after=after,
    )
    event.save()
    # In the same transaction, so a change rolled back sends nothing and a committed one is
    # never left without its deliveries.
    queue_deliveries(event)
    return event


def record_events(events: Sequence[Event]) -> list[Event]:
    """Append events made with `new_event` in one write, with their webhook deliveries; call
    inside the transaction of the changes they record."""
    saved = Event.objects.bulk_create(events, batch_size=2000)
    queue_deliveries_for(saved)
    return saved
