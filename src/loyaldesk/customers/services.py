"""Operations that change customers and their identities, each recording an event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.customers.identities import Channel, normalise_address
from loyaldesk.customers.models import Customer, Identity, Membership, Organisation
from loyaldesk.desk.events import record_event


class AddressTaken(ValueError):
    """The address already identifies another customer."""


@transaction.atomic
def create_customer(
    *,
    first_name: str,
    last_name: str,
    preferred_language: str = "en",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    organisation: Organisation | None = None,
    actor: User | None = None,
    at: datetime | None = None,
    **details: object,
) -> Customer:
    """Create a customer with their email and phone identities."""
    at = at or timezone.now()
    customer = Customer(
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
        customer_since=details.pop("customer_since", at),
        **details,
    )
    customer.full_clean()
    customer.save()
    record_event(
        "customer.created",
        customer=customer,
        actor=actor,
        at=at,
        after={"name": customer.full_name, "language": preferred_language},
    )
    for email in emails:
        add_identity(customer, Channel.EMAIL, email, actor=actor, at=at)
    for phone in phones:
        add_identity(customer, Channel.PHONE, phone, actor=actor, at=at)
    if organisation is not None:
        Membership.objects.create(customer=customer, organisation=organisation, is_primary=True)
    return customer


@transaction.atomic
def add_identity(
    customer: Customer,
    channel: Channel | str,
    address: str,
    *,
    verified: bool = False,
    actor: User | None = None,
    at: datetime | None = None,
) -> Identity:
    """Attach a channel address to a customer; an address belongs to one customer only."""
    normalised = normalise_address(channel, address)
    existing = Identity.objects.filter(channel=channel, address=normalised).first()
    if existing is not None:
        if existing.customer_id != customer.pk:
            raise AddressTaken(f"{channel} {normalised} belongs to another customer")
        return existing
    identity = Identity.objects.create(
        customer=customer, channel=channel, address=normalised, is_verified=verified
    )
    record_event(
        "customer.identity_added",
        customer=customer,
        actor=actor,
        at=at or timezone.now(),
        after={"channel": str(channel), "address": normalised},
    )
    return identity


CUSTOMER_DETAILS = frozenset(
    {
        "first_name",
        "last_name",
        "preferred_language",
        "segment",
        "city",
        "country",
        "consent_service_email",
        "consent_surveys",
        "consent_marketing",
    }
)


@transaction.atomic
def update_customer(
    customer: Customer, *, actor: User | None = None, at: datetime | None = None, **changes: object
) -> Customer:
    """Change a customer's details; one event lists what changed, before and after."""
    unknown = set(changes) - CUSTOMER_DETAILS
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} here")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before, after = {}, {}
    for field, value in changes.items():
        if getattr(customer, field) != value:
            before[field], after[field] = getattr(customer, field), value
            setattr(customer, field, value)
    if not after:
        return customer
    customer.full_clean()
    customer.save()
    record_event(
        "customer.updated",
        customer=customer,
        actor=actor,
        at=at or timezone.now(),
        before=before,
        after=after,
    )
    return customer


@transaction.atomic
def save_organisation(organisation: Organisation, **fields: object) -> Organisation:
    """Create or change an organisation after validating it."""
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation
