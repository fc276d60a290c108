from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loyaldesk.customers.models import (
    Identity,
    Membership,
    Organisation,
    OwnedProduct,
    Product,
    Purchase,
)
from loyaldesk.customers.selectors import customer_profile, find_customer
from loyaldesk.customers.services import (
    CannotMerge,
    create_customer,
    merge_customers,
    update_customer,
)
from loyaldesk.desk.models import Event, Message
from loyaldesk.desk.services import open_case
from tests.conftest import T0


def _buy(customer, order, amount, product):
    purchase = Purchase.objects.create(
        customer=customer, order_number=order, purchased_at=T0, amount=Decimal(amount)
    )
    OwnedProduct.objects.create(
        customer=customer,
        product=product,
        purchase=purchase,
        serial_number=f"SN-{order}",
        purchased_on=T0.date(),
        warranty_ends_on=T0.date() + timedelta(days=730),
    )
    return purchase


@pytest.fixture
def product(db):
    return Product.objects.create(sku="VAC-1", name="Aspirapolvere X", category="home")


@pytest.fixture
def duplicate(db, queue, product):
    """The same Chiara, written in once from her work address and once by phone."""
    twin = create_customer(
        first_name="Chiara",
        last_name="Rossi",
        preferred_language="it",
        city="Milano",
        emails=["c.rossi@lavoro.example.it"],
        customer_since=T0 - timedelta(days=900),
        consent_marketing=False,
    )
    open_case(customer=twin, subject="Fattura", text="Mi serve la fattura.", channel="email")
    open_case(customer=twin, subject="Chiamata", text="Telefonata.", channel="phone")
    _buy(twin, "ORD-2", "199.90", product)
    return twin


def test_merge_moves_cases_contact_points_purchases_and_products(customer, duplicate, case, lead):
    cases_before = set(duplicate.cases.values_list("number", flat=True))
    merge_customers(customer, duplicate, actor=lead)

    assert set(customer.cases.values_list("number", flat=True)) == cases_before | {case.number}
    assert find_customer("email", "C.Rossi@lavoro.example.it") == customer
    assert customer.identities.count() == 3
    assert list(customer.purchases.values_list("order_number", flat=True)) == ["ORD-2"]
    assert customer.owned_products.get().serial_number == "SN-ORD-2"
    assert not Message.objects.filter(author_customer=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == customer
    assert not duplicate.cases.exists()
    assert not duplicate.identities.exists()


def test_merge_keeps_the_event_log_and_records_the_merge(customer, duplicate, lead):
    old_events = list(Event.objects.filter(customer=duplicate).values_list("pk", "kind"))
    merge_customers(customer, duplicate, actor=lead)

    # The log is append-only: the duplicate's events still name it, nothing was rewritten.
    still = Event.objects.filter(pk__in=[pk for pk, _ in old_events], customer=duplicate)
    assert still.count() == len(old_events)
    merged = customer.events.get(kind="customer.merged")
    assert merged.actor == lead
    assert merged.after["duplicate"] == duplicate.pk
    assert merged.after["moved"]["cases"] == 2
    assert duplicate.events.filter(kind="customer.merged_into").exists()
    moved = Event.objects.filter(kind="case.updated", before__customer=duplicate.pk)
    assert moved.count() == 2
    history = {line.event.kind for line in customer_profile(customer, lead).history}
    assert {"customer.created", "customer.merged", "customer.merged_into"} <= history


def test_merge_fills_blanks_keeps_earliest_date_and_withdrawn_consents(customer, duplicate):
    update_customer(customer, consent_marketing=True)
    survivor = merge_customers(customer, duplicate)
    survivor.refresh_from_db()
    assert survivor.city == "Milano"
    assert survivor.customer_since == duplicate.customer_since
    assert survivor.consent_marketing is False


def test_memberships_are_merged_without_two_primaries(customer, duplicate):
    acme, globex = Organisation.objects.create(name="Acme"), Organisation.objects.create(name="Gx")
    Membership.objects.create(customer=customer, organisation=acme, is_primary=True)
    Membership.objects.create(customer=duplicate, organisation=acme, is_primary=True)
    Membership.objects.create(customer=duplicate, organisation=globex, is_primary=False)
    merge_customers(customer, duplicate)
    memberships = dict(customer.memberships.values_list("organisation__name", "is_primary"))
    assert memberships == {"Acme": True, "Gx": False}


def test_a_record_cannot_be_merged_twice_or_into_itself(customer, duplicate):
    with pytest.raises(CannotMerge):
        merge_customers(customer, customer)
    merge_customers(customer, duplicate)
    third = create_customer(first_name="C.", last_name="Rossi")
    with pytest.raises(CannotMerge):
        merge_customers(third, duplicate)
    with pytest.raises(CannotMerge):
        merge_customers(duplicate, third)


def test_records_merged_earlier_follow_the_chain(customer, duplicate):
    third = create_customer(first_name="Chiara", last_name="Rossi", emails=["cr@old.example.it"])
    merge_customers(duplicate, third)
    merge_customers(customer, duplicate)
    assert set(customer.merged_records.values_list("pk", flat=True)) == {duplicate.pk, third.pk}
    assert Identity.objects.get(address="cr@old.example.it").customer == customer


def test_warranty_states_on_the_profile(customer, product, agent):
    today = timezone.localdate()
    for serial, bought, ends in [
        ("OLD", today - timedelta(days=900), today - timedelta(days=170)),
        ("SOON", today - timedelta(days=700), today + timedelta(days=12)),
        ("NEW", today - timedelta(days=10), today + timedelta(days=720)),
    ]:
        OwnedProduct.objects.create(
            customer=customer,
            product=product,
            serial_number=serial,
            purchased_on=bought,
            warranty_ends_on=ends,
        )
    profile = customer_profile(customer, agent)
    owned = {unit.unit.serial_number: unit.warranty for unit in profile.owned}
    assert owned["OLD"].state == "expired"
    assert (owned["SOON"].state, owned["SOON"].days_left) == ("expiring", 12)
    assert owned["NEW"].state == "active"
