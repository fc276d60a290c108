"""Repair events in words, for the case history (added to the desk's describers at start-up)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from loyaldesk.desk.history import Names
from loyaldesk.repairs.models import CustomerReply, RepairStage, repair_reference


def _reference(after: dict) -> str:
    return repair_reference(after.get("repair", ""))


def _label(choices: type[RepairStage] | type[CustomerReply], value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _told(after: dict) -> str:
    return (
        "" if after.get("message") else " " + _("(the case is closed: the customer was not told)")
    )


def _opened(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s opened for %(product)s") % {
        "reference": _reference(after),
        "product": after.get("product", ""),
    } + _told(after)


def _stage_changed(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: %(before)s → %(after)s") % {
        "reference": _reference(after),
        "before": _label(RepairStage, before.get("stage")),
        "after": _label(RepairStage, after.get("stage")),
    } + _told(after)


def _flagged_repeat(before: dict, after: dict, names: Names) -> str:
    return _(
        "Repair %(reference)s is a repeat: the unit came back %(days)s days after repair "
        "%(previous)s"
    ) % {
        "reference": _reference(after),
        "days": after.get("days_since_return"),
        "previous": repair_reference(after.get("repeat_of", "")),
    }


def _data_loss_warned(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: customer warned that their data may be erased") % {
        "reference": _reference(after)
    } + _told(after)


def _data_loss_acknowledged(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: the customer acknowledged the data-loss warning (%(via)s)") % {
        "reference": _reference(after),
        "via": _label(CustomerReply, after.get("via")),
    }


def _estimate_sent(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: estimate of %(amount)s %(currency)s sent") % {
        "reference": _reference(after),
        "amount": after.get("amount"),
        "currency": after.get("currency"),
    } + _told(after)


def _estimate_approved(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: the customer approved the estimate (%(via)s)") % {
        "reference": _reference(after),
        "via": _label(CustomerReply, after.get("via")),
    }


def _estimate_declined(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: the customer declined the estimate (%(via)s)") % {
        "reference": _reference(after),
        "via": _label(CustomerReply, after.get("via")),
    }


def _loaner_lent(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: loaner lent (%(loaner)s)") % {
        "reference": _reference(after),
        "loaner": after.get("loaner", ""),
    }


def _loaner_returned(before: dict, after: dict, names: Names) -> str:
    return _("Repair %(reference)s: loaner returned (%(loaner)s)") % {
        "reference": _reference(after),
        "loaner": after.get("loaner", ""),
    }


DESCRIBERS: dict[str, Callable[[dict, dict, Names], str]] = {
    "repair.opened": _opened,
    "repair.stage_changed": _stage_changed,
    "repair.flagged_repeat": _flagged_repeat,
    "repair.data_loss_warned": _data_loss_warned,
    "repair.data_loss_acknowledged": _data_loss_acknowledged,
    "repair.estimate_sent": _estimate_sent,
    "repair.estimate_approved": _estimate_approved,
    "repair.estimate_declined": _estimate_declined,
    "repair.loaner_lent": _loaner_lent,
    "repair.loaner_returned": _loaner_returned,
}
