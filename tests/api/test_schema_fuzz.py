"""schemathesis generates requests from the OpenAPI schema; none may end in a server error."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from loyaldesk.accounts.tokens import issue_token
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.models import Queue
from loyaldesk.desk.services import open_case

# Middleware reads its settings once, when the app is made: make it for plain HTTP, as in tests.
with override_settings(SECURE_SSL_REDIRECT=False):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.fixture
def bearer(manager):
    """A manager's token, and a case and customer for the generated requests to find."""
    queue = Queue.objects.create(name="General", slug="general", is_default=True)
    customer = create_customer(first_name="Ada", last_name="Byron", emails=["ada@example.org"])
    open_case(customer=customer, subject="Printer", text="It jams", channel="email", queue=queue)
    _, clear = issue_token(manager, "fuzz")
    return {"Authorization": f"Bearer {clear}"}


@pytest.fixture
def connection_kept():
    """Django closes the database connection after each request; the test client stops that
    during tests, and so must this direct WSGI call, or PostgreSQL loses the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_no_request_ends_in_a_server_error(case, bearer, connection_kept):
    response = case.call_and_validate(headers=bearer, checks=[not_a_server_error])
    assert not 300 <= response.status_code < 400, "requests must reach the API, not a redirect"
