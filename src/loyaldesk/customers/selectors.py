"""Reading customers."""

from __future__ import annotations

from loyaldesk.customers.identities import Channel, normalise_address
from loyaldesk.customers.models import Customer, Identity


def find_customer(channel: Channel | str, address: str) -> Customer | None:
    """The customer an address identifies on a channel, if any."""
    identity = (
        Identity.objects.select_related("customer")
        .filter(channel=channel, address=normalise_address(channel, address))
        .first()
    )
    return identity.customer if identity else None
