from datetime import date, timedelta

import pytest

from loyaldesk.customers.models import OwnedProduct, Product
from loyaldesk.repairs.models import RepairTarget
from tests.conftest import T0


@pytest.fixture
def vacuum(db):
    return Product.objects.create(
        sku="VAC-1", name="Aspirapolvere Turbo", category="vacuum", warranty_months=24
    )


@pytest.fixture
def unit(customer, vacuum):
    """Chiara's vacuum cleaner, bought a year before T0: under warranty."""
    return OwnedProduct.objects.create(
        customer=customer,
        product=vacuum,
        serial_number="VT-0001",
        purchased_on=date(2025, 3, 1),
        warranty_ends_on=date(2027, 3, 1),
    )


@pytest.fixture
def old_unit(customer, vacuum):
    """Another of Chiara's vacuum cleaners, its warranty over before T0."""
    return OwnedProduct.objects.create(
        customer=customer,
        product=vacuum,
        serial_number="VT-0002",
        purchased_on=date(2022, 1, 10),
        warranty_ends_on=T0.date() - timedelta(days=40),
    )


@pytest.fixture
def vacuum_target(db):
    return RepairTarget.objects.create(product_family="vacuum", total_days=10)
