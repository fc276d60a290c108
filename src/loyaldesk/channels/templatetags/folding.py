"""|folded and |folded_html: a customer's message split where its quoted history or signature
begins, for a page to fold the rest."""

from django import template

from loyaldesk.channels.html_quoting import fold_html
from loyaldesk.channels.quoting import Folded, fold
from loyaldesk.desk.html import sanitize_html

register = template.Library()


@register.filter
def folded(text: str) -> Folded:
    """The new part and the rest of a message's text, for a page to fold the rest."""
    return fold(text or "")


@register.filter
def folded_html(html: str) -> Folded:
    """The new part and the rest of a message's stored HTML, each sanitized again on its own
    so that either can be marked safe in a page."""
    parts = fold_html(html or "")
    return Folded(sanitize_html(parts.new), sanitize_html(parts.rest))
