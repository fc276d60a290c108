"""The repairs card of the case page, and lengths of time as a repair counts them."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import Case
from loyaldesk.repairs.models import RepairStage
from loyaldesk.repairs.selectors import can_open_repair, case_repairs, customer_repairs

register = template.Library()


@register.inclusion_tag("repairs/_case_repairs.html", takes_context=True)
def case_repairs_card(context: template.Context, case: Case) -> dict:
    """The case's repairs, and a link to receive a unit, for those who may."""
    user = context["user"]
    if not user.has_perm("repairs.view_repairorder"):
        return {"repairs": [], "can_open": False}
    return {
        "case": case,
        "repairs": case_repairs(case),
        "can_open": case.status != "closed" and can_open_repair(user, case),
    }


@register.inclusion_tag("repairs/_customer_repairs.html", takes_context=True)
def customer_repairs_card(context: template.Context, customer: Customer) -> dict:
    """The customer's latest repairs that the user may see."""
    user = context["user"]
    if not user.has_perm("repairs.view_repairorder"):
        return {"repairs": []}
    return {"repairs": customer_repairs(user, customer)}


@register.filter
def span(value: timedelta | None) -> str:
    """A length of time in days and hours ('3 d 04 h'), hours and minutes under a day."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds()), 0) // 60
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(days)d d %(hours)02d h") % {"days": days, "hours": hours}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


@register.filter
def stage_label(stage: str) -> str:
    """A stage as people read it."""
    return str(RepairStage(stage).label)
