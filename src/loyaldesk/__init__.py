"""loyaldesk: a self-hosted customer-service desk that measures what service does to loyalty."""

__version__ = "0.1.0"
