"""Recording events: every service that changes a case or a customer calls this."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import ActorKind, Case, Event
from loyaldesk.webhooks.services import queue_deliveries


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
    if actor is not None:
        actor_kind = ActorKind.STAFF
    elif by_customer:
        actor_kind = ActorKind.CUSTOMER
    else:
        actor_kind = ActorKind.SYSTEM
    event = Event.objects.create(
        kind=kind,
        case=case,
        customer=customer if customer is not None else (case.customer if case else None),
        actor=actor,
        actor_kind=actor_kind,
        at=at or timezone.now(),
        before=before or {},
        after=after or {},
    )
    # In the same transaction, so a change rolled back sends nothing and a committed one is
    # never left without its deliveries.
    queue_deliveries(event)
    return event
