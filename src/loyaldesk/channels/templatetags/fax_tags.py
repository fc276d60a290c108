from django import template

from loyaldesk.channels.forms import FaxForm
from loyaldesk.desk.models import Case

register = template.Library()


@register.inclusion_tag("channels/_fax_card.html", takes_context=True)
def case_fax_card(context: template.Context, case: Case) -> dict:
    """The form to add a fax the customer sent, for those who work the case."""
    can_add = bool(context.get("can_work")) and case.status != "closed"
    return {
        "case": case,
        "fax_form": FaxForm() if can_add else None,
        "csrf_token": context.get("csrf_token"),
    }
