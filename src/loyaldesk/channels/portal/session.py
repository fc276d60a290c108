"""The portal's sign-in session, kept apart from the desk's staff sign-in.

A customer is signed in when the session names their record and no staff user is signed
in on it: a staff member is never taken for a customer, and a customer's session holds no
staff user, so neither can act as the other.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.middleware.csrf import rotate_token

from loyaldesk.channels.portal import conf
from loyaldesk.channels.portal.selectors import current_record
from loyaldesk.customers.models import Customer

CUSTOMER_KEY = "portal_customer"


class StaffSignedIn(Exception):
    """A staff user is signed in on this browser: the portal will not sign a customer in."""


def sign_in(request: HttpRequest, customer: Customer) -> None:
    """Start the customer's portal session under a new session key and CSRF token (no
    fixation)."""
    if request.user.is_authenticated:
        raise StaffSignedIn(request.user.get_username())
    request.session.flush()
    rotate_token(request)
    request.session[CUSTOMER_KEY] = customer.pk
    request.session.set_expiry(timedelta(hours=conf.session_hours()))


def sign_out(request: HttpRequest) -> None:
    """End the portal session (a customer's session holds nothing else)."""
    if request.user.is_authenticated:
        request.session.pop(CUSTOMER_KEY, None)
    else:
        request.session.flush()


def signed_in_customer(request: HttpRequest) -> Customer | None:
    """The customer signed in on this request, if any (never while a staff user is)."""
    if request.user.is_authenticated:
        return None
    pk = request.session.get(CUSTOMER_KEY)
    if not isinstance(pk, int):
        return None
    customer = Customer.objects.filter(pk=pk).first()
    return current_record(customer) if customer is not None else None
