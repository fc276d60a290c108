"""The customer page's figures in the reader's language, and what the edit form accepts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from loyaldesk.customers.models import OwnedProduct, Product, Purchase
from loyaldesk.customers.selectors import OWNED_SHOWN
from loyaldesk.desk.services import merge_cases, open_case
from tests.conftest import T0

EDIT = {
    "first_name": "Chiara",
    "last_name": "Rossi",
    "preferred_language": "it",
    "segment": "consumer",
    "city": "Torino",
    "country": "it",
    "consent_service_email": "on",
}


def _page(client, customer, language="en"):
    with translation.override(language):
        url = reverse("customers:customer-detail", args=[customer.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_amounts_are_grouped_by_thousands_in_the_readers_language(client, agent, customer):
    Purchase.objects.create(
        customer=customer, order_number="ORD-9", purchased_at=T0, amount=Decimal("2764.95")
    )
    client.force_login(agent)
    assert "2,764.95 EUR" in _page(client, customer)
    client.cookies.load({"django_language": "fr"})
    french = _page(client, customer, "fr")
    assert "764,95 EUR" in french
    assert "2764,95" not in french


def test_many_owned_units_are_counted_and_the_latest_listed(client, agent, customer):
    product = Product.objects.create(sku="LAMP-1", name="Luce X1", category="home")
    today = timezone.localdate()
    OwnedProduct.objects.bulk_create(
        OwnedProduct(
            customer=customer,
            product=product,
            serial_number=f"SN-{index:03}",
            purchased_on=today - timedelta(days=index),
            warranty_ends_on=today + timedelta(days=10 - index),
        )
        for index in range(OWNED_SHOWN + 10)
    )
    client.force_login(agent)
    body = _page(client, customer)
    assert f"{OWNED_SHOWN + 10} units, 11 under warranty today" in body
    assert "SN-000" in body
    assert f"SN-{OWNED_SHOWN + 9:03}" not in body


def test_the_country_is_upper_cased_and_checked(client, lead, customer):
    client.force_login(lead)
    url = reverse("customers:customer-edit", args=[customer.pk])
    assert "ISO 3166 code" in client.get(url).content.decode()
    assert client.post(url, EDIT).status_code == 303
    customer.refresh_from_db()
    assert customer.country == "IT"
    refused = client.post(url, {**EDIT, "country": "I1"})
    assert refused.status_code == 400
    assert "Two letters of ISO 3166" in refused.content.decode()


@pytest.mark.parametrize("names", [("", ""), ("  ", " ")])
def test_a_customer_keeps_a_name(client, lead, customer, names):
    client.force_login(lead)
    url = reverse("customers:customer-edit", args=[customer.pk])
    response = client.post(url, {**EDIT, "first_name": names[0], "last_name": names[1]})
    assert response.status_code == 400
    assert "Give the customer a first or a last name." in response.content.decode()
    customer.refresh_from_db()
    assert customer.last_name == "Rossi"


def test_a_company_name_alone_is_enough(client, lead, customer):
    client.force_login(lead)
    url = reverse("customers:customer-edit", args=[customer.pk])
    assert client.post(url, {**EDIT, "first_name": "", "last_name": "Acme"}).status_code == 303


def test_a_merged_duplicate_says_where_it_went(client, agent, front_team, customer, case):
    duplicate = open_case(customer=customer, subject="Again", text="Still broken", channel="email")
    merge_cases(duplicate, case, actor=agent)
    client.force_login(agent)
    assert f"merged into {case.reference}" in _page(client, customer)
