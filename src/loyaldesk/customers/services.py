"""Operations that change customers and their identities, each recording an event."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from django.db import transaction
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.customers.identities import Channel, normalise_address
from loyaldesk.customers.models import Customer, Identity, Membership, Organisation
from loyaldesk.desk.events import new_event, record_event, record_events
from loyaldesk.desk.models import Case, Event


class AddressTaken(ValueError):
    """The address already identifies another customer."""


class CannotMerge(ValueError):
    """The two records cannot be merged (the same record, or one already merged)."""


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


# The language a new customer is most likely to speak, from the country of their number.
LANGUAGE_OF_COUNTRY = {"IT": "it", "SM": "it", "VA": "it", "FR": "fr", "MC": "fr"}


@transaction.atomic
def create_customer_for_number(
    number: str, *, channel: Channel = Channel.PHONE, name: str = "", at: datetime | None = None
) -> Customer:
    """A customer for a phone or fax number the desk does not know, their country and
    language guessed from the number."""
    try:
        country = phonenumbers.region_code_for_number(phonenumbers.parse(number)) or ""
    except phonenumbers.NumberParseException:
        country = ""
    country = "" if country == "ZZ" else country
    first, _, last = name.partition(" ")
    customer = create_customer(
        first_name=first[:100],
        last_name=last[:100],
        preferred_language=LANGUAGE_OF_COUNTRY.get(country, "en"),
        country=country,
        at=at,
    )
    add_identity(customer, channel, number, at=at)
    return customer


@dataclass(frozen=True)
class NewCustomer:
    """Someone `create_customers` makes a customer of: a name and email addresses."""

    first_name: str
    last_name: str
    emails: tuple[str, ...]
    preferred_language: str = "en"


@transaction.atomic
def create_customers(people: Sequence[NewCustomer], *, at: datetime) -> list[Customer]:
    """`create_customer` for many people at once (the senders of emails read together);
    should one address belong to someone already, none is created."""
    addresses = [[normalise_address(Channel.EMAIL, email) for email in p.emails] for p in people]
    customers = Customer.objects.bulk_create(
        [
            Customer(
                first_name=person.first_name[:100],
                last_name=person.last_name[:100],
                preferred_language=person.preferred_language,
                customer_since=at,
            )
            for person in people
        ]
    )
    identities = Identity.objects.bulk_create(
        [
            Identity(customer=customer, channel=Channel.EMAIL, address=address)
            for customer, own in zip(customers, addresses, strict=True)
            for address in own
        ]
    )
    created = [
        new_event(
            "customer.created",
            customer=customer,
            at=at,
            after={"name": customer.full_name, "language": customer.preferred_language},
        )
        for customer in customers
    ]
    added = [
        new_event(
            "customer.identity_added",
            customer=identity.customer,
            at=at,
            after={"channel": str(Channel.EMAIL), "address": identity.address},
        )
        for identity in identities
    ]
    record_events(created + added)
    return customers


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
    normalised = normalise_address(channel, address, customer.country)
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


@transaction.atomic
def remove_identity(
    identity: Identity, *, actor: User | None = None, at: datetime | None = None
) -> None:
    """Detach a channel address from its customer; the event keeps what it was."""
    identity = Identity.objects.select_for_update().get(pk=identity.pk)
    record_event(
        "customer.identity_removed",
        customer=identity.customer,
        actor=actor,
        at=at or timezone.now(),
        before={"channel": identity.channel, "address": identity.address},
    )
    identity.delete()


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


FILLED_FROM_DUPLICATE = ("first_name", "last_name", "city", "country")
CONSENTS = ("consent_service_email", "consent_surveys", "consent_marketing")


def _locked_pair(survivor: Customer, duplicate: Customer) -> tuple[Customer, Customer]:
    if survivor.pk == duplicate.pk:
        raise CannotMerge("a customer cannot be merged into itself")
    pair = Customer.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
    locked = {customer.pk: customer for customer in pair.order_by("pk")}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise CannotMerge("one of these records was already merged into another")
    return survivor, duplicate


def _move_memberships(survivor: Customer, duplicate: Customer) -> int:
    kept = dict(survivor.memberships.values_list("organisation_id", "is_primary"))
    has_primary = any(kept.values())
    moved = 0
    for membership in duplicate.memberships.all():
        if membership.organisation_id in kept:
            membership.delete()
            continue
        membership.customer = survivor
        membership.is_primary = membership.is_primary and not has_primary
        membership.save()
        moved += 1
    return moved


def _move_cases(survivor: Customer, duplicate: Customer, actor: User | None, at: datetime) -> int:
    cases = list(Case.objects.select_for_update().filter(customer=duplicate))
    for case in cases:
        case.customer = survivor
        case.save(update_fields=["customer"])
        record_event(
            "case.updated",
            case=case,
            actor=actor,
            at=at,
            before={"customer": duplicate.pk},
            after={"customer": survivor.pk},
        )
    return len(cases)


def _move_everything_else(survivor: Customer, duplicate: Customer) -> dict[str, int]:
    """Repoint every other reference to the duplicate, including those later apps add."""
    handled = {Event, Membership, Case}
    moved = {}
    for relation in Customer._meta.related_objects:
        if not relation.one_to_many or relation.related_model in handled:
            continue
        field = relation.field.name
        count = relation.related_model._base_manager.filter(**{field: duplicate}).update(
            **{field: survivor}
        )
        if count:
            moved[relation.related_model._meta.model_name + "." + field] = count
    return moved


def _combine_details(survivor: Customer, duplicate: Customer) -> dict[str, object]:
    changes: dict[str, object] = {}
    for field in FILLED_FROM_DUPLICATE:
        if not getattr(survivor, field) and getattr(duplicate, field):
            changes[field] = getattr(duplicate, field)
    # A consent withdrawn on either record stays withdrawn.
    for field in CONSENTS:
        if getattr(survivor, field) and not getattr(duplicate, field):
            changes[field] = False
    if duplicate.customer_since < survivor.customer_since:
        changes["customer_since"] = duplicate.customer_since
    return changes


@transaction.atomic
def merge_customers(
    survivor: Customer,
    duplicate: Customer,
    *,
    actor: User | None = None,
    at: datetime | None = None,
) -> Customer:
    """Fold a duplicate record into the survivor: cases, contact points, purchases, products.

    The duplicate is kept, marked as merged, so the append-only event log keeps pointing at
    the record it was written for; the survivor's history reads both.
    """
    at = at or timezone.now()
    survivor, duplicate = _locked_pair(survivor, duplicate)
    moved = _move_everything_else(survivor, duplicate)
    moved["memberships"] = _move_memberships(survivor, duplicate)
    moved["cases"] = _move_cases(survivor, duplicate, actor, at)
    changes = _combine_details(survivor, duplicate)
    before = {field: getattr(survivor, field) for field in changes}
    for field, value in changes.items():
        setattr(survivor, field, value)
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    record_event(
        "customer.merged",
        customer=survivor,
        actor=actor,
        at=at,
        before={"duplicate": duplicate.pk, **_jsonable(before)},
        after={"duplicate": duplicate.pk, "moved": moved, **_jsonable(changes)},
    )
    record_event(
        "customer.merged_into",
        customer=duplicate,
        actor=actor,
        at=at,
        after={"survivor": survivor.pk},
    )
    return survivor


def _jsonable(values: dict[str, object]) -> dict[str, object]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
