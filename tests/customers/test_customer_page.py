from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loyaldesk.customers.models import (
    Customer,
    Membership,
    Organisation,
    OwnedProduct,
    Product,
    Purchase,
    PurchaseItem,
)
from loyaldesk.customers.selectors import find_customer
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.services import change_status, open_case
from tests.conftest import PASSWORD, T0


def _page(client, customer):
    return client.get(reverse("customers:customer-detail", args=[customer.pk]))


def _add_purchase(customer, order, amount, product):
    purchase = Purchase.objects.create(
        customer=customer, order_number=order, purchased_at=T0, amount=Decimal(amount)
    )
    PurchaseItem.objects.create(purchase=purchase, product=product, unit_price=Decimal(amount))
    OwnedProduct.objects.create(
        customer=customer,
        product=product,
        purchase=purchase,
        serial_number=f"SN-{order}",
        purchased_on=timezone.localdate() - timedelta(days=800),
        warranty_ends_on=timezone.localdate() - timedelta(days=70),
    )


@pytest.fixture
def product(db):
    return Product.objects.create(sku="VAC-1", name="Aspirapolvere X", category="home")


def test_customer_page_shows_the_whole_customer(
    client, agent, front_team, customer, case, repairs_case, product
):
    Membership.objects.create(
        customer=customer, organisation=Organisation.objects.create(name="Acme"), is_primary=True
    )
    _add_purchase(customer, "ORD-1", "100.00", product)
    _add_purchase(customer, "ORD-2", "49.50", product)
    change_status(case, Status.RESOLVED, at=T0 + timedelta(hours=3))
    client.force_login(agent)
    body = _page(client, customer).content.decode()

    assert "chiara.rossi@example.it" in body
    assert "+390212345678" in body
    assert "Acme" in body
    assert "Aspirapolvere X" in body
    assert "SN-ORD-1" in body
    assert "warranty-expired" in body
    assert "149.50 EUR" in body
    assert "ORD-2" in body
    assert "in 3" in body
    # Both cases are listed with their outcome; only the one in the agent's team links to it.
    assert case.subject in body
    assert repairs_case.subject in body
    assert reverse("desk:case-detail", args=[case.number]) in body
    assert reverse("desk:case-detail", args=[repairs_case.number]) not in body


def test_case_page_links_to_the_customer(client, agent, front_team, case):
    client.force_login(agent)
    body = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    assert reverse("customers:customer-detail", args=[case.customer_id]) in body


def test_customer_page_needs_login_and_a_role(client, django_user_model, customer):
    response = _page(client, customer)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    assert _page(client, customer).status_code == 403


def test_customer_page_does_a_bounded_number_of_queries(
    client, agent, front_team, customer, queue, product
):
    client.force_login(agent)
    open_case(customer=customer, subject="First", text="?", channel="email")
    _add_purchase(customer, "ORD-FIRST", "10.00", product)
    _page(client, customer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _page(client, customer).status_code == 200
        return len(captured)

    few = queries()
    for number in range(12):
        open_case(customer=customer, subject=f"Question {number}", text="?", channel="email")
        _add_purchase(customer, f"ORD-{number}", "10.00", product)
    assert queries() == few


def test_agents_read_but_do_not_edit_or_merge(client, agent, customer):
    client.force_login(agent)
    body = _page(client, customer).content.decode()
    assert reverse("customers:customer-edit", args=[customer.pk]) not in body
    assert 'id="merge-form"' not in body
    assert client.get(reverse("customers:customer-edit", args=[customer.pk])).status_code == 403
    other = create_customer(first_name="Chiara", last_name="Rossi")
    url = reverse("customers:customer-merge", args=[customer.pk])
    assert client.post(url, {"duplicate": other.pk, "confirm": "yes"}).status_code == 403
    other.refresh_from_db()
    assert other.merged_into is None


def test_lead_edits_a_customer(client, lead, customer):
    client.force_login(lead)
    url = reverse("customers:customer-edit", args=[customer.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "first_name": "Chiara",
        "last_name": "Rossi-Bianchi",
        "preferred_language": "fr",
        "segment": "premium",
        "city": "Torino",
        "country": "IT",
        "consent_service_email": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 303
    customer.refresh_from_db()
    assert (customer.last_name, customer.preferred_language) == ("Rossi-Bianchi", "fr")
    assert customer.consent_surveys is False
    event = customer.events.get(kind="customer.updated")
    assert event.actor == lead
    assert event.before["last_name"] == "Rossi"
    bad = client.post(url, {**data, "preferred_language": "xx"})
    assert bad.status_code == 400
    customer.refresh_from_db()
    assert customer.preferred_language == "fr"


def test_contact_points_are_added_and_removed(client, lead, customer):
    client.force_login(lead)
    add = reverse("customers:identity-add", args=[customer.pk])
    assert (
        client.post(add, {"channel": "email", "address": " C.R@Casa.example.it "}).status_code
        == 303
    )
    assert customer.identities.filter(address="c.r@casa.example.it").exists()
    assert client.post(add, {"channel": "email", "address": "nope"}).status_code == 400
    create_customer(first_name="Luca", last_name="Verdi", emails=["luca@example.it"])
    taken = client.post(add, {"channel": "email", "address": "luca@example.it"})
    assert taken.status_code == 400
    assert "belongs to another customer" in taken.content.decode()

    identity = customer.identities.get(address="c.r@casa.example.it")
    remove = reverse("customers:identity-remove", args=[customer.pk, identity.pk])
    asked = client.get(remove)
    assert 'id="identity-remove-form"' in asked.content.decode()
    assert customer.identities.filter(pk=identity.pk).exists()
    assert client.post(remove).status_code == 303
    assert not customer.identities.filter(pk=identity.pk).exists()
    removed = customer.events.get(kind="customer.identity_removed")
    assert removed.before == {"channel": "email", "address": "c.r@casa.example.it"}


def test_a_phone_number_in_national_form_is_stored_in_the_customers_country(client, lead, customer):
    customer.country = "FR"
    customer.save()
    client.force_login(lead)
    add = reverse("customers:identity-add", args=[customer.pk])
    assert client.post(add, {"channel": "phone", "address": "06 12 34 56 78"}).status_code == 303
    assert customer.identities.filter(channel="phone", address="+33612345678").exists()
    assert find_customer("phone", "+33 6 12 34 56 78") == customer


def test_merge_asks_for_confirmation_then_merges(client, lead, customer, case):
    twin = create_customer(first_name="Chiara", last_name="Rossi", emails=["cr2@example.it"])
    open_case(customer=twin, subject="Doppione", text="...", channel="email")
    client.force_login(lead)
    body = _page(client, customer).content.decode()
    assert reverse("customers:customer-detail", args=[twin.pk]) in body  # same-name suggestion

    url = reverse("customers:customer-merge", args=[customer.pk])
    preview = client.post(url, {"duplicate": "CR2@example.it"})
    assert preview.status_code == 200
    assert 'id="merge-confirm-form"' in preview.content.decode()
    twin.refresh_from_db()
    assert twin.merged_into is None

    done = client.post(url, {"duplicate": twin.pk, "confirm": "yes"})
    assert done.status_code == 303
    twin.refresh_from_db()
    assert twin.merged_into == customer
    assert customer.cases.filter(subject="Doppione").exists()
    # The old record's page now leads to the one it was merged into.
    old = _page(client, twin)
    assert old.status_code == 302
    assert old.url == reverse("customers:customer-detail", args=[customer.pk])


def test_merge_refuses_unknown_or_same_record(client, lead, customer):
    client.force_login(lead)
    url = reverse("customers:customer-merge", args=[customer.pk])
    for wanted in ("999999", "nobody@example.it", "Rossi", str(customer.pk)):
        assert client.post(url, {"duplicate": wanted, "confirm": "yes"}).status_code == 400
    assert not Customer.objects.filter(merged_into__isnull=False).exists()


def test_merged_records_leave_the_api_list_and_take_no_new_cases(api_as, lead, customer):
    twin = create_customer(first_name="Chiara", last_name="Rossi", emails=["cr2@example.it"])
    client = api_as(lead)
    merged = client.post(
        f"/api/customers/{customer.pk}/merge",
        {"duplicate_id": twin.pk},
        content_type="application/json",
    )
    assert merged.status_code == 200
    assert "cr2@example.it" in {i["address"] for i in merged.json()["identities"]}
    listed = {c["id"] for c in client.get("/api/customers").json()["items"]}
    assert listed == {customer.pk}
    assert client.get(f"/api/customers/{twin.pk}").json()["merged_into"] == customer.pk
    again = client.post(
        f"/api/customers/{customer.pk}/merge",
        {"duplicate_id": twin.pk},
        content_type="application/json",
    )
    assert again.status_code == 409
