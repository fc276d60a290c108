"""|folded: a customer's message text split where its quoted history or signature begins."""

from django import template

from loyaldesk.channels.quoting import Folded, fold

register = template.Library()


@register.filter
def folded(text: str) -> Folded:
    """The new part and the rest of a message's text, for a page to fold the rest."""
    return fold(text or "")
