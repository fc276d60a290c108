import pytest
from django.db import IntegrityError, transaction

from loyaldesk.customers.identities import InvalidAddress, normalise_address
from loyaldesk.customers.models import Identity, Membership, Organisation
from loyaldesk.customers.selectors import find_customer
from loyaldesk.customers.services import AddressTaken, add_identity, create_customer


@pytest.mark.parametrize(
    ("channel", "raw", "expected"),
    [
        ("email", "  Jean.Dupont@Example.FR ", "jean.dupont@example.fr"),
        ("phone", "+33 (0)1 23-45-67-89", "+33123456789"),
        ("phone", "0039 02 1234 5678", "+390212345678"),
        ("fax", "01 23 45 67 89", "0123456789"),
        ("portal", " user-42 ", "user-42"),
    ],
)
def test_addresses_normalise(channel, raw, expected):
    assert normalise_address(channel, raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("347 123 4567", "it", "+393471234567"),
        ("07700 900123", "GB", "+447700900123"),
        ("+39 02 1234 5678", "FR", "+390212345678"),
        ("347 123 4567", "FR", "3471234567"),
    ],
)
def test_national_phone_numbers_take_the_country_they_are_dialled_in(raw, region, expected):
    """A number that is not possible in that country stays as its digits."""
    assert normalise_address("phone", raw, region) == expected


@pytest.mark.parametrize(
    ("channel", "raw"), [("email", "not-an-email"), ("phone", "12"), ("phone", "+33+44 1234")]
)
def test_bad_addresses_are_refused(channel, raw):
    with pytest.raises(InvalidAddress):
        normalise_address(channel, raw)


def test_customer_is_found_by_any_spelling_of_an_address(customer):
    assert find_customer("email", "CHIARA.ROSSI@example.it") == customer
    assert find_customer("phone", "0039 02 12345678") == customer
    assert find_customer("email", "nobody@example.it") is None


def test_creating_a_customer_records_events(customer):
    kinds = sorted(customer.events.values_list("kind", flat=True))
    assert kinds == ["customer.created", "customer.identity_added", "customer.identity_added"]


def test_an_address_belongs_to_one_customer(customer):
    other = create_customer(first_name="Luca", last_name="Bianchi", preferred_language="it")
    with pytest.raises(AddressTaken):
        add_identity(other, "email", "chiara.rossi@EXAMPLE.it")
    assert add_identity(customer, "email", "chiara.rossi@example.it").customer == customer
    assert Identity.objects.filter(address="chiara.rossi@example.it").count() == 1


def test_database_enforces_unique_identities(customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Identity.objects.create(
            customer=customer, channel="email", address="chiara.rossi@example.it"
        )


def test_one_primary_organisation(customer):
    first = Organisation.objects.create(name="Acme")
    second = Organisation.objects.create(name="Globex")
    Membership.objects.create(customer=customer, organisation=first, is_primary=True)
    Membership.objects.create(customer=customer, organisation=second, is_primary=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(organisation=second).update(is_primary=True)
    assert list(customer.organisations.order_by("name")) == [first, second]


def test_invalid_customer_language_is_refused(db):
    with pytest.raises(Exception, match="preferred_language"):
        create_customer(first_name="X", last_name="Y", preferred_language="klingon")
