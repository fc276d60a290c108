"""|folded and |folded_html: a customer's message split where its quoted history or signature
begins, for a page to fold the rest."""

import hashlib

from django import template
from django.core.cache import cache

from loyaldesk.channels.html_quoting import fold_html
from loyaldesk.channels.quoting import Folded, fold
from loyaldesk.desk.html import sanitize_html

register = template.Library()

# Reading a long HTML email takes milliseconds, and a case page shows many; a stored message's
# HTML never changes, so its two parts are kept under the digest of that HTML.
FOLDED_HTML_SECONDS = 24 * 3600


@register.filter
def folded(text: str) -> Folded:
    """The new part and the rest of a message's text, for a page to fold the rest."""
    return fold(text or "")


@register.filter
def folded_html(html: str) -> Folded:
    """The new part and the rest of a message's stored HTML, each sanitized again on its own
    so that either can be marked safe in a page."""
    if not html:
        return Folded("", "")
    key = f"folded-html:{hashlib.sha256(html.encode()).hexdigest()}"
    kept = cache.get(key)
    if kept is None:
        parts = fold_html(html)
        kept = (sanitize_html(parts.new), sanitize_html(parts.rest))
        cache.set(key, kept, FOLDED_HTML_SECONDS)
    return Folded(*kept)
