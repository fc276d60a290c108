"""What a webhook says: which internal events become which webhook kinds, and the JSON body."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Event, Message
from loyaldesk.webhooks.models import WebhookKind

# The event log's kinds (desk/services.py) that receivers hear about; the rest stay internal.
EVENT_KINDS = {
    "case.opened": WebhookKind.CASE_CREATED,
    "case.updated": WebhookKind.CASE_UPDATED,
    "case.assigned": WebhookKind.CASE_UPDATED,
    "case.status_changed": WebhookKind.CASE_UPDATED,
    "case.reopened": WebhookKind.CASE_UPDATED,
    "case.merged": WebhookKind.CASE_UPDATED,
    "case.merged_into": WebhookKind.CASE_UPDATED,
    "case.linked": WebhookKind.CASE_UPDATED,
    "case.unlinked": WebhookKind.CASE_UPDATED,
    "case.split": WebhookKind.CASE_UPDATED,
    "message.added": WebhookKind.MESSAGE_CREATED,
}
TEXT_EXCERPT_CHARS = 500


def webhook_kind(event_kind: str, after: dict[str, Any]) -> WebhookKind | None:
    """The webhook kind an internal event is sent as, or None if it is not sent."""
    if event_kind == "case.status_changed" and after.get("status") == Status.RESOLVED:
        return WebhookKind.CASE_RESOLVED
    return EVENT_KINDS.get(event_kind)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_data(case: Case) -> dict[str, Any]:
    """The case as receivers see it, in its state right after the change."""
    assignee = case.assignee
    return {
        "number": case.number,
        "reference": case.reference,
        "subject": case.subject,
        "status": str(case.status),
        "priority": str(case.priority),
        "category": case.category,
        "channel": str(case.origin_channel),
        "language": case.language,
        "queue": {"id": case.queue_id, "slug": case.queue.slug, "name": case.queue.name},
        "assignee": None
        if assignee is None
        else {"id": assignee.pk, "username": assignee.username, "name": assignee.get_full_name()},
        "customer_id": case.customer_id,
        "opened_at": _time(case.opened_at),
        "resolved_at": _time(case.resolved_at),
        "closed_at": _time(case.closed_at),
    }


def message_data(message: Message) -> dict[str, Any]:
    """A message with an excerpt of its text; the whole thread is in the REST API."""
    return {
        "id": message.pk,
        "kind": str(message.kind),
        "channel": str(message.channel),
        "created_at": _time(message.created_at),
        "text": message.text[:TEXT_EXCERPT_CHARS],
        "text_truncated": len(message.text) > TEXT_EXCERPT_CHARS,
    }


def payload(event: Event, kind: WebhookKind) -> dict[str, Any]:
    """The body for one event, without the delivery id each endpoint's copy adds."""
    body: dict[str, Any] = {
        "kind": str(kind),
        "occurred_at": _time(event.at),
        "actor": {"kind": str(event.actor_kind), "user_id": event.actor_id},
        "case": case_data(event.case),
    }
    if kind == WebhookKind.MESSAGE_CREATED:
        body["message"] = message_data(Message.objects.get(pk=event.after["message"]))
    elif kind != WebhookKind.CASE_CREATED:
        body["previous"] = dict(event.before)
    return body
