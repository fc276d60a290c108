"""The phone card of the case page, the call line of the thread and call lengths."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from loyaldesk.channels.phone.forms import LogCallForm
from loyaldesk.channels.phone.selectors import case_calls_to_return, customer_calls
from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import Case

register = template.Library()


@register.filter
def call_length(seconds: int | None) -> str:
    """Seconds as a call's length: '45 s', '4 min 05 s', '1 h 02 min'."""
    if seconds is None:
        return ""
    minutes, seconds = divmod(max(int(seconds), 0), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


@register.inclusion_tag("phone/_case_phone.html", takes_context=True)
def case_phone_card(context: template.Context, case: Case) -> dict:
    """Calls to return on the case, and the form to log a call for those who work it."""
    can_log = bool(context.get("can_work")) and case.status != "closed"
    return {
        "case": case,
        "to_return": list(case_calls_to_return(case)),
        "form": LogCallForm(region=case.customer.country, opened_at=case.opened_at)
        if can_log
        else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("phone/_customer_calls.html", takes_context=True)
def customer_calls_card(context: template.Context, customer: Customer) -> dict:
    """The customer's latest calls the user may see."""
    return {"calls": customer_calls(context["user"], customer)}
