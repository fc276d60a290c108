"""The portal's configuration, from the environment (docs/configuration.md).

Each value may also be set in Django's settings under the name given, which tests do.
"""

from __future__ import annotations

import os

from django.conf import settings

from loyaldesk.config import env_flag, env_int, env_list


def link_minutes() -> int:
    """How long a sign-in link works (LOYALDESK_PORTAL_LINK_MINUTES, 30)."""
    return getattr(settings, "PORTAL_LINK_MINUTES", env_int("LOYALDESK_PORTAL_LINK_MINUTES", 30))


def session_hours() -> int:
    """How long a portal session lasts (LOYALDESK_PORTAL_SESSION_HOURS, 12)."""
    return getattr(settings, "PORTAL_SESSION_HOURS", env_int("LOYALDESK_PORTAL_SESSION_HOURS", 12))


def queue_slug() -> str:
    """The slug of the queue of portal and contact-form cases (LOYALDESK_PORTAL_QUEUE);
    empty: the default queue."""
    configured = os.environ.get("LOYALDESK_PORTAL_QUEUE", "")
    return getattr(settings, "PORTAL_QUEUE", configured).strip()


def contact_form_origins() -> list[str]:
    """Origins whose pages may show the contact form in an iframe
    (LOYALDESK_CONTACT_FORM_ORIGINS, comma-separated; none by default)."""
    configured = env_list("LOYALDESK_CONTACT_FORM_ORIGINS", [])
    return list(getattr(settings, "CONTACT_FORM_ORIGINS", configured))


def trust_forwarded_for() -> bool:
    """Behind a proxy (LOYALDESK_BEHIND_PROXY), the client's address is the last one the
    proxy added to X-Forwarded-For."""
    return getattr(settings, "TRUST_FORWARDED_FOR", env_flag("LOYALDESK_BEHIND_PROXY"))
