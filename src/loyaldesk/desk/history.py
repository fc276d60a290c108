"""The history of a case or a customer in words: what each recorded event changed, and to what."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import ChannelChoice, Customer
from loyaldesk.desk.categories import category_label
from loyaldesk.desk.models import (
    Case,
    CaseStatus,
    Event,
    MessageKind,
    Priority,
    Queue,
    case_reference,
)
from loyaldesk.service_levels.models import EscalationAction, TargetKind
from loyaldesk.service_levels.templatetags.service_levels import duration


@dataclass(frozen=True)
class Names:
    """The people and queues that events name by id."""

    users: dict[int, str]
    queues: dict[int, str]

    def user(self, pk: int | None) -> str:
        return self.users.get(pk, _("a former colleague")) if pk else _("nobody")


@dataclass(frozen=True)
class HistoryLine:
    """One event and what it says."""

    event: Event
    text: str


# Survey events name these by value; the labels live here because the desk does not depend on
# the surveys app (it is the other way round).
SKIP_REASONS = {
    "no_consent": gettext_lazy("the customer does not consent to surveys"),
    "quiet_period": gettext_lazy("surveyed recently"),
    "open_case": gettext_lazy("the customer has an open case"),
    "no_address": gettext_lazy("no email address"),
}
RECOVERY_STATES = {
    "contacted": gettext_lazy("customer contacted"),
    "recovered": gettext_lazy("recovered"),
    "not_recovered": gettext_lazy("not recovered"),
}


def history_lines(events: Iterable[Event]) -> list[HistoryLine]:
    """Events described in the active language; two queries for the names they refer to."""
    events = list(events)
    names = _names(events)
    return [HistoryLine(event, describe(event, names)) for event in events]


def describe(event: Event, names: Names) -> str:
    """What one event changed, in a sentence; an unknown kind is shown as it is."""
    describer = DESCRIBERS.get(event.kind)
    return describer(event.before, event.after, names) if describer else event.kind


def _names(events: list[Event]) -> Names:
    user_ids = set()
    for event in events:
        user_ids.update(_user_ids(event))
    users = User.objects.filter(pk__in=user_ids) if user_ids else User.objects.none()
    queues = dict(Queue.objects.values_list("pk", "name"))
    return Names({user.pk: str(user) for user in users}, queues)


def _user_ids(event: Event) -> list[int]:
    if event.kind == "case.assigned":
        return [pk for pk in (event.before.get("assignee"), event.after.get("assignee")) if pk]
    if event.kind == "case.mentioned":
        return list(event.after.get("users", []))
    if event.kind == "survey.recovery_opened":
        return [pk for pk in (event.after.get("owner"),) if pk]
    if event.kind in ("sla.escalated", "sla.breach_predicted"):
        return [pk for pk in [*event.after.get("notified", []), event.after.get("assignee")] if pk]
    return []


def _label(choices: type[models.TextChoices], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _case_value(field: str, value: Any, names: Names) -> str:
    if value in (None, ""):
        return "—"
    shown = {
        "status": lambda: _label(CaseStatus, value),
        "priority": lambda: _label(Priority, value),
        "category": lambda: category_label(value),
        "queue": lambda: names.queues.get(value, f"#{value}"),
        "assignee": lambda: names.user(value),
        "customer": lambda: f"#{value}",
    }
    return shown[field]() if field in shown else str(value)


def _customer_value(field: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, ""):
        return "—"
    try:
        choices = dict(Customer._meta.get_field(field).choices or ())
    except FieldDoesNotExist:  # a field of an older version of the model
        choices = {}
    return str(choices.get(value, value))


def _changes(before: dict, after: dict, model: type[models.Model], value) -> str:
    # In the model's field order: PostgreSQL's jsonb does not keep the keys' order.
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    label = _field_label(model)
    return "; ".join(
        f"{label(field)}: {value(field, before.get(field))} → {value(field, after[field])}"
        for field in sorted(after, key=lambda field: (order.get(field, len(order)), field))
    )


def _field_label(model: type[models.Model]) -> Callable[[str], str]:
    def label(field: str) -> str:
        try:
            return str(model._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:  # a field of an older version of the model
            return field

    return label


def _opened(before: dict, after: dict, names: Names) -> str:
    if "split_from" in after:
        return _("Case opened from a message of %(reference)s") % {
            "reference": case_reference(after["split_from"])
        }
    channel = after.get("channel")
    if not channel:
        return _("Case opened")
    return _("Case opened (%(channel)s)") % {"channel": _label(ChannelChoice, channel)}


def _message_added(before: dict, after: dict, names: Names) -> str:
    kind, channel = after.get("kind"), after.get("channel", "")
    if kind == MessageKind.INBOUND:
        return _("Message from the customer (%(channel)s)") % {
            "channel": _label(ChannelChoice, channel)
        }
    if kind == MessageKind.OUTBOUND:
        return _("Reply to the customer (%(channel)s)") % {
            "channel": _label(ChannelChoice, channel)
        }
    return _("Internal note")


def _status_changed(before: dict, after: dict, names: Names) -> str:
    return _("Status: %(before)s → %(after)s") % {
        "before": _label(CaseStatus, before.get("status")),
        "after": _label(CaseStatus, after.get("status")),
    }


def _reopened(before: dict, after: dict, names: Names) -> str:
    return _("Reopened: %(before)s → %(after)s") % {
        "before": _label(CaseStatus, before.get("status")),
        "after": _label(CaseStatus, after.get("status")),
    }


def _assigned(before: dict, after: dict, names: Names) -> str:
    if not after.get("assignee"):
        return _("Unassigned (was %(name)s)") % {"name": names.user(before.get("assignee"))}
    return _("Assigned to %(name)s") % {"name": names.user(after["assignee"])}


def _case_updated(before: dict, after: dict, names: Names) -> str:
    changes = _changes(before, after, Case, lambda field, v: _case_value(field, v, names))
    return _("Changed %(changes)s") % {"changes": changes}


def _macro_applied(before: dict, after: dict, names: Names) -> str:
    return _("Macro “%(name)s” used") % {"name": after.get("name", "")}


def _mentioned(before: dict, after: dict, names: Names) -> str:
    return _("Mentioned %(names)s") % {
        "names": ", ".join(names.user(pk) for pk in after.get("users", []))
    }


def _sent(before: dict, after: dict, names: Names) -> str:
    return _("Reply handed to the mail server")


def _delivery_failed(before: dict, after: dict, names: Names) -> str:
    return _("Reply could not be sent: %(error)s") % {"error": after.get("error", "")}


def _delivery_deferred(before: dict, after: dict, names: Names) -> str:
    return _("Sending the reply failed, it will be tried again: %(error)s") % {
        "error": after.get("error", "")
    }


def _linked(before: dict, after: dict, names: Names) -> str:
    return _("Linked to %(reference)s") % {"reference": case_reference(after.get("case"))}


def _unlinked(before: dict, after: dict, names: Names) -> str:
    return _("Link to %(reference)s removed") % {"reference": case_reference(before.get("case"))}


def _split(before: dict, after: dict, names: Names) -> str:
    return _("A message was moved to a new case, %(reference)s") % {
        "reference": case_reference(after.get("new_case"))
    }


def _merged_into(before: dict, after: dict, names: Names) -> str:
    return _("Merged into %(reference)s") % {"reference": case_reference(after.get("target"))}


def _merged(before: dict, after: dict, names: Names) -> str:
    count = after.get("messages", 0)
    return ngettext(
        "%(reference)s merged into this case, %(count)d message moved",
        "%(reference)s merged into this case, %(count)d messages moved",
        count,
    ) % {"reference": case_reference(after.get("duplicate")), "count": count}


def _customer_created(before: dict, after: dict, names: Names) -> str:
    return _("Customer record created")


def _identity_added(before: dict, after: dict, names: Names) -> str:
    return _("Contact point added: %(address)s") % {"address": after.get("address", "")}


def _identity_removed(before: dict, after: dict, names: Names) -> str:
    return _("Contact point removed: %(address)s") % {"address": before.get("address", "")}


def _customer_updated(before: dict, after: dict, names: Names) -> str:
    changes = _changes(before, after, Customer, _customer_value)
    return _("Changed %(changes)s") % {"changes": changes}


def _customer_merged(before: dict, after: dict, names: Names) -> str:
    return _("Customer record #%(duplicate)s merged into this one") % {
        "duplicate": after.get("duplicate")
    }


def _customer_merged_into(before: dict, after: dict, names: Names) -> str:
    return _("Merged into customer record #%(survivor)s") % {"survivor": after.get("survivor")}


def _portal_link_sent(before: dict, after: dict, names: Names) -> str:
    return _("Portal sign-in link sent to %(address)s") % {"address": after.get("address", "")}


def _portal_signed_in(before: dict, after: dict, names: Names) -> str:
    return _("Signed in to the portal with %(address)s") % {"address": after.get("address", "")}


def _email_sent(before: dict, after: dict, names: Names) -> str:
    return _("Email “%(subject)s” handed to the mail server") % {
        "subject": after.get("subject", "")
    }


def _email_failed(before: dict, after: dict, names: Names) -> str:
    return _("Email “%(subject)s” could not be sent: %(error)s") % {
        "subject": after.get("subject", ""),
        "error": after.get("error", ""),
    }


def _email_deferred(before: dict, after: dict, names: Names) -> str:
    return _("Sending the email “%(subject)s” failed, it will be tried again: %(error)s") % {
        "subject": after.get("subject", ""),
        "error": after.get("error", ""),
    }


def _survey_invited(before: dict, after: dict, names: Names) -> str:
    return _("Survey “%(name)s” sent") % {"name": after.get("name", "")}


def _survey_not_sent(before: dict, after: dict, names: Names) -> str:
    return _("Survey “%(name)s” not sent: %(reason)s") % {
        "name": after.get("name", ""),
        "reason": SKIP_REASONS.get(after.get("reason"), after.get("reason", "")),
    }


def _survey_rated(before: dict, after: dict, names: Names) -> str:
    return _("The customer rated %(kind)s %(score)s from the survey email") % {
        "kind": str(after.get("kind", "")).upper(),
        "score": after.get("score"),
    }


def _survey_completed(before: dict, after: dict, names: Names) -> str:
    scores = ", ".join(f"{kind.upper()} {score}" for kind, score in after.get("scores", {}).items())
    return _("The customer answered the survey: %(scores)s") % {"scores": scores or "—"}


def _recovery_opened(before: dict, after: dict, names: Names) -> str:
    return _("Follow-up of an unhappy answer opened for %(owner)s") % {
        "owner": names.user(after.get("owner"))
    }


def _recovery_updated(before: dict, after: dict, names: Names) -> str:
    state = RECOVERY_STATES.get(after.get("state"), after.get("state", ""))
    return _("Follow-up: %(state)s") % {"state": state}


def _repeat_of(before: dict, after: dict, names: Names) -> str:
    return _("A repeat contact: the customer came back about the topic of %(case)s") % {
        "case": case_reference(after.get("repeat_of"))
    }


def _repeated(before: dict, after: dict, names: Names) -> str:
    return _("The customer came back about this in %(case)s") % {
        "case": case_reference(after.get("by"))
    }


def _target(after: dict) -> str:
    return _label(TargetKind, after.get("target"))


def _policy_applied(before: dict, after: dict, names: Names) -> str:
    if after.get("policy") is None:
        return _("No SLA policy applies to the case any more")
    return _("Measured against the SLA policy %(name)s") % {"name": after.get("name", "")}


def _target_met(before: dict, after: dict, names: Names) -> str:
    return _("%(target)s target met after %(time)s of business time") % {
        "target": _target(after),
        "time": duration(after.get("business_seconds")),
    }


def _target_breached(before: dict, after: dict, names: Names) -> str:
    return _("%(target)s target breached") % {"target": _target(after)}


def _notified(after: dict, names: Names) -> str:
    people = ", ".join(names.user(pk) for pk in after.get("notified", []))
    return _("%(names)s notified") % {"names": people} if people else _("nobody to notify")


def _escalated(before: dict, after: dict, names: Names) -> str:
    if after.get("percent", 100) < 100:
        reason = _("%(target)s at %(percent)s%% of its target") % {
            "target": _target(after),
            "percent": after.get("percent"),
        }
    else:
        reason = _("%(target)s target breached") % {"target": _target(after)}
    action = after.get("action")
    if action == EscalationAction.REASSIGN:
        done = _("reassigned to %(name)s") % {"name": names.user(after.get("assignee"))}
    elif action == EscalationAction.RAISE_PRIORITY:
        done = _("priority %(priority)s") % {"priority": _label(Priority, after.get("priority"))}
    else:
        done = _notified(after, names)
    return _("Escalated: %(reason)s; %(done)s") % {"reason": reason, "done": done}


def _breach_predicted(before: dict, after: dict, names: Names) -> str:
    return _("At the queue's pace, %(target)s will be late; %(done)s") % {
        "target": _target(after),
        "done": _notified(after, names),
    }


DESCRIBERS: dict[str, Callable[[dict, dict, Names], str]] = {
    "case.opened": _opened,
    "message.added": _message_added,
    "case.status_changed": _status_changed,
    "case.reopened": _reopened,
    "case.assigned": _assigned,
    "case.updated": _case_updated,
    "case.macro_applied": _macro_applied,
    "case.mentioned": _mentioned,
    "message.sent": _sent,
    "message.delivery_failed": _delivery_failed,
    "message.delivery_deferred": _delivery_deferred,
    "case.linked": _linked,
    "case.unlinked": _unlinked,
    "case.split": _split,
    "case.merged_into": _merged_into,
    "case.merged": _merged,
    "customer.created": _customer_created,
    "customer.identity_added": _identity_added,
    "customer.identity_removed": _identity_removed,
    "customer.updated": _customer_updated,
    "customer.merged": _customer_merged,
    "customer.merged_into": _customer_merged_into,
    "customer.portal_link_sent": _portal_link_sent,
    "customer.portal_signed_in": _portal_signed_in,
    "email.sent": _email_sent,
    "email.delivery_failed": _email_failed,
    "email.delivery_deferred": _email_deferred,
    "survey.invited": _survey_invited,
    "survey.not_sent": _survey_not_sent,
    "survey.rated": _survey_rated,
    "survey.completed": _survey_completed,
    "survey.recovery_opened": _recovery_opened,
    "survey.recovery_updated": _recovery_updated,
    "case.repeat_of": _repeat_of,
    "case.repeated": _repeated,
    "sla.policy_applied": _policy_applied,
    "sla.fulfilled": _target_met,
    "sla.breached": _target_breached,
    "sla.escalated": _escalated,
    "sla.breach_predicted": _breach_predicted,
}
