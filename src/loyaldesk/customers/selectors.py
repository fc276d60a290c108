"""Reading customers: lookups by address and the whole-customer (360) view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.core.fulltext import matching_values, search_words
from loyaldesk.customers.identities import Channel, normalise_address
from loyaldesk.customers.models import (
    Customer,
    Identity,
    Membership,
    OwnedProduct,
    Purchase,
    PurchaseItem,
)
from loyaldesk.customers.warranty import Warranty
from loyaldesk.desk.history import HistoryLine, history_lines
from loyaldesk.desk.models import Case, Event
from loyaldesk.desk.permissions import visible_cases

RECENT_PURCHASES = 20
CASES_SHOWN = 50
OWNED_SHOWN = 50
HISTORY_SHOWN = 50
POSSIBLE_DUPLICATES = 5


def find_customer(channel: Channel | str, address: str) -> Customer | None:
    """The customer an address identifies on a channel, if any."""
    identity = (
        Identity.objects.select_related("customer")
        .filter(channel=channel, address=normalise_address(channel, address))
        .first()
    )
    return identity.customer if identity else None


def current_customers() -> QuerySet[Customer]:
    """Customers that were not merged into another record."""
    return Customer.objects.filter(merged_into__isnull=True)


def search_customers(text: str, limit: int = 1000) -> QuerySet[Customer]:
    """Current customers whose name holds every word, or with an email address starting with
    the text; the newest `limit` matches of each kind."""
    return current_customers().filter(pk__in=matching_customer_ids(text, limit))


def matching_customer_ids(text: str, limit: int = 1000, *, prefix: bool | None = None) -> list[int]:
    """Ids of the customers, merged or not, whose name holds every word or with an email
    address starting with the text; the newest `limit` matches. `prefix` as for
    `matching_values`."""
    text = text.strip()
    if "@" in text and " " not in text:
        start = text.lower()
        by_address = Identity.objects.filter(
            channel=Channel.EMAIL, address__gte=start, address__lt=start + "\U0010ffff"
        )
        return list(by_address.values_list("customer_id", flat=True)[:limit])
    columns = ["first_name", "last_name"]
    words = search_words(text)
    return matching_values("customers_customer", columns, words, "id", limit, prefix=prefix)


@dataclass(frozen=True)
class SpendInCurrency:
    currency: str
    total: Decimal
    orders: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class OwnedUnit:
    unit: OwnedProduct
    warranty: Warranty


@dataclass(frozen=True)
class CustomerProfile:
    """Everything the customer page shows, read in a fixed number of queries."""

    customer: Customer
    identities: list[Identity]
    memberships: list[Membership]
    owned: list[OwnedUnit]
    owned_count: int
    owned_under_warranty: int
    purchases: list[Purchase]
    spend: list[SpendInCurrency]
    cases: list[Case]
    case_count: int
    visible_case_ids: frozenset[int]
    history: list[HistoryLine]
    possible_duplicates: list[Customer]


def _spend(customer: Customer) -> list[SpendInCurrency]:
    rows = (
        Purchase.objects.filter(customer=customer)
        .values("currency")
        .annotate(
            total=Sum("amount"),
            orders=Count("id"),
            first=Min("purchased_at"),
            last=Max("purchased_at"),
        )
        .order_by("currency")
    )
    return [SpendInCurrency(**row) for row in rows]


def _purchases(customer: Customer) -> list[Purchase]:
    items = PurchaseItem.objects.select_related("product").order_by("pk")
    return list(
        Purchase.objects.filter(customer=customer)
        .order_by("-purchased_at", "-pk")
        .prefetch_related(Prefetch("items", queryset=items))[:RECENT_PURCHASES]
    )


def _owned(customer: Customer, today: date) -> list[OwnedUnit]:
    units = customer.owned_products.select_related("product").order_by("-purchased_on", "-pk")
    return [OwnedUnit(unit, unit.warranty(today)) for unit in units[:OWNED_SHOWN]]


def _owned_counts(customer: Customer, today: date) -> dict[str, int]:
    """How many units the customer owns, and how many are still under warranty today."""
    return customer.owned_products.aggregate(
        owned_count=Count("pk"),
        owned_under_warranty=Count(
            "pk", filter=Q(purchased_on__lte=today, warranty_ends_on__gte=today)
        ),
    )


def _history(customer: Customer) -> list[HistoryLine]:
    """Customer-level events of this record and of the records merged into it, in words."""
    record_ids = [customer.pk, *customer.merged_records.values_list("pk", flat=True)]
    events = Event.objects.filter(customer_id__in=record_ids, case__isnull=True)
    return history_lines(events.select_related("actor").order_by("-at", "-pk")[:HISTORY_SHOWN])


def _possible_duplicates(customer: Customer) -> list[Customer]:
    if not (customer.first_name and customer.last_name):
        return []
    same_name = current_customers().filter(
        last_name=customer.last_name, first_name=customer.first_name
    )
    return list(same_name.exclude(pk=customer.pk).order_by("pk")[:POSSIBLE_DUPLICATES])


def customer_profile(customer: Customer, viewer: User) -> CustomerProfile:
    """The whole customer as the viewer may see it: contact points, products, spend, cases."""
    today = timezone.localdate()
    cases = customer.cases.select_related("queue", "assignee", "merged_into")
    cases = cases.order_by("-opened_at", "-pk")
    shown = list(cases[:CASES_SHOWN])
    visible = visible_cases(viewer).filter(pk__in=[case.pk for case in shown])
    return CustomerProfile(
        customer=customer,
        identities=list(customer.identities.order_by("channel", "address")),
        memberships=list(
            customer.memberships.select_related("organisation").order_by("-is_primary", "pk")
        ),
        owned=_owned(customer, today),
        **_owned_counts(customer, today),
        purchases=_purchases(customer),
        spend=_spend(customer),
        cases=shown,
        case_count=len(shown) if len(shown) < CASES_SHOWN else customer.cases.count(),
        visible_case_ids=frozenset(visible.values_list("pk", flat=True)),
        history=_history(customer),
        possible_duplicates=_possible_duplicates(customer),
    )
