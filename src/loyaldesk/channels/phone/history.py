"""Call events in words, for case and customer histories (added to the desk's describers)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from loyaldesk.channels.phone.models import CallDirection, CallOutcome
from loyaldesk.channels.phone.templatetags.phone_tags import call_length
from loyaldesk.desk.history import Names


def _label(choices: type[CallDirection] | type[CallOutcome], value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _recorded(before: dict, after: dict, names: Names) -> str:
    text = _("%(direction)s call %(number)s: %(outcome)s") % {
        "direction": _label(CallDirection, after.get("direction")),
        "number": after.get("number") or "—",
        "outcome": _label(CallOutcome, after.get("outcome")),
    }
    if after.get("wait_seconds"):
        text += " · " + _("waited %(time)s") % {"time": call_length(after["wait_seconds"])}
    if after.get("talk_seconds"):
        text += " · " + _("talked %(time)s") % {"time": call_length(after["talk_seconds"])}
    return text


def _answered(before: dict, after: dict, names: Names) -> str:
    return _("Call answered")


def _updated(before: dict, after: dict, names: Names) -> str:
    if "outcome" in after:
        return _("Call updated by the telephony system: %(outcome)s") % {
            "outcome": _label(CallOutcome, after["outcome"])
        }
    return _("Call updated by the telephony system")


def _called_back(before: dict, after: dict, names: Names) -> str:
    return _("Called back")


DESCRIBERS: dict[str, Callable[[dict, dict, Names], str]] = {
    "call.recorded": _recorded,
    "call.answered": _answered,
    "call.updated": _updated,
    "call.called_back": _called_back,
}
