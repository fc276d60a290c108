import re

import pytest
from django.core.cache import cache

from loyaldesk.channels.models import Delivery
from loyaldesk.channels.portal.services import request_sign_in_link
from loyaldesk.customers.models import OwnedProduct, Product
from loyaldesk.customers.services import create_customer

LINK = re.compile(r"https?://\S+/portal/sign-in/(?P<token>[A-Za-z0-9_-]+)/")


@pytest.fixture
def queued_jobs():
    """Huey's queue as the worker would find it, empty at the start and the end."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    yield HUEY
    HUEY.flush()


@pytest.fixture(autouse=True)
def _jobs_now(request):
    """Sign-in links are sent by a job: portal tests run jobs as they are queued, unless a
    test looks at the queue itself (`queued_jobs`)."""
    if "queued_jobs" in request.fixturenames:
        yield None
    else:
        yield request.getfixturevalue("jobs_run_now")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the cache, which outlives a test; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def sent_token(customer) -> str:
    """The token of the newest sign-in link emailed to the customer (from the outbox)."""
    delivery = Delivery.objects.filter(customer=customer).order_by("-pk").first()
    return LINK.search(delivery.text)["token"]


@pytest.fixture
def sign_in_as(client):
    """Signs the test client in as a customer, through the emailed link."""

    def sign_in(customer, address: str | None = None, http=client):
        address = address or customer.identities.filter(channel="email").first().address
        request_sign_in_link(address, client_ip="192.0.2.10")
        path = f"/portal/sign-in/{sent_token(customer)}/"
        page = http.get(path)
        response = http.post(path, {"csrfmiddlewaretoken": page.context["csrf_token"]})
        assert response.status_code == 302
        return http

    return sign_in


@pytest.fixture
def french_customer(db):
    return create_customer(
        first_name="Camille",
        last_name="Durand",
        preferred_language="fr",
        emails=["camille.durand@example.fr"],
    )


@pytest.fixture
def vacuum(customer):
    """A vacuum cleaner Chiara owns."""
    product = Product.objects.create(sku="VC-200", name="Aspira 200", category="vacuum")
    return OwnedProduct.objects.create(
        customer=customer,
        product=product,
        serial_number="SN-4411",
        purchased_on="2025-05-01",
        warranty_ends_on="2027-05-01",
    )
