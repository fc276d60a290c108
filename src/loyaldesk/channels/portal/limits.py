"""Rate limits of the portal's public forms, counted in Django's cache.

A fixed window per (scope, key): the first attempt of a window adds the counter, the next
ones increment it. Keys are hashed so no address or IP is kept in the cache in clear.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from loyaldesk.channels.portal import conf


@dataclass(frozen=True)
class Limit:
    """At most `attempts` in `seconds`, per key."""

    scope: str
    attempts: int
    seconds: int


SIGN_IN_PER_ADDRESS = Limit("sign-in-address", 5, 3600)
SIGN_IN_PER_IP = Limit("sign-in-ip", 30, 3600)
CONTACT_PER_ADDRESS = Limit("contact-address", 5, 3600)
CONTACT_PER_IP = Limit("contact-ip", 20, 3600)


def allow(limit: Limit, key: str) -> bool:
    """Count one attempt for `key`; False once the window's attempts are used up."""
    window = int(time.time() // limit.seconds)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    cache_key = f"portal:{limit.scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=limit.seconds + 1):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the counter expired between add and incr: a new window began
        cache.set(cache_key, 1, timeout=limit.seconds + 1)
        count = 1
    return count <= limit.attempts


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind the proxy (LOYALDESK_BEHIND_PROXY), the last address the
    proxy appended to X-Forwarded-For, since earlier ones are whatever the client sent."""
    if conf.trust_forwarded_for():
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
