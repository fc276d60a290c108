"""Outbound webhooks: deliveries are queued in the transaction of the change they report and
leave through a job that signs them, posts them and retries with backoff."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime, timedelta
from functools import cache, partial

import httpx
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from loyaldesk import __version__
from loyaldesk.desk.models import Event
from loyaldesk.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookState
from loyaldesk.webhooks.payloads import payload, webhook_kind
from loyaldesk.webhooks.signing import generate_secret, sign

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
# How long a claimed or newly queued delivery waits before the periodic job takes it over:
# longer than any one attempt, so only a lost job or a dead worker leaves it that long.
LOST_JOB_GRACE = timedelta(minutes=5)
TIMEOUT = httpx.Timeout(10.0)
EXCERPT_BYTES = 500
RETRY_STATUSES = frozenset({408, 429})
USER_AGENT = f"loyaldesk-webhooks/{__version__}"
ENDPOINT_DISABLED = "the endpoint was deactivated"


def retry_delay(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8, 16 minutes between attempts: a receiver back within 30 minutes gets it."""
    return FIRST_RETRY * 2 ** max(attempts - 1, 0)


def _schedule(delivery_ids: Iterable[int]) -> None:
    # Imported here because the tasks module imports this one.
    from loyaldesk.webhooks.tasks import deliver_webhook_task

    for delivery_id in delivery_ids:
        transaction.on_commit(partial(deliver_webhook_task, delivery_id))


def queue_deliveries(event: Event) -> list[WebhookDelivery]:
    """Queue the deliveries an event causes, in its transaction; they leave once it commits."""
    return queue_deliveries_for([event])


def queue_deliveries_for(events: Iterable[Event]) -> list[WebhookDelivery]:
    """Queue the deliveries of events recorded together, reading the endpoints once."""
    sent = [(event, kind) for event in events if (kind := webhook_kind(event.kind, event.after))]
    if not sent:
        return []
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "events"))
    now = timezone.now()
    deliveries = []
    for event, kind in sent:
        endpoint_ids = [pk for pk, kinds in endpoints if kind in kinds]
        body = payload(event, kind) if endpoint_ids else {}
        for endpoint_id in endpoint_ids:
            delivery = WebhookDelivery(
                endpoint_id=endpoint_id,
                event=event,
                kind=kind,
                created_at=now,
                # The periodic retry picks it up should the immediate job be lost.
                next_attempt_at=now + LOST_JOB_GRACE,
            )
            # The delivery id is in the body so receivers can drop a delivery they already have.
            delivery.payload = {"id": str(delivery.uuid), **body}
            deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    _schedule(delivery.pk for delivery in deliveries)
    return deliveries


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes posted: the same on every attempt, whatever the database does to JSON."""
    return json.dumps(
        delivery.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def _claim(delivery_id: int, now: datetime) -> bool:
    # One conditional UPDATE instead of a row lock held through the HTTP call: on SQLite an
    # open write transaction would stall every writer of the desk for up to the timeout. The
    # winner pushes next_attempt_at forward, so no other job takes the delivery meanwhile.
    claimed = WebhookDelivery.objects.filter(
        Q(attempts=0) | Q(next_attempt_at__lte=now), pk=delivery_id, state=WebhookState.QUEUED
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LOST_JOB_GRACE)
    return claimed == 1


@cache
def _client() -> httpx.Client:
    # One client per process: building its TLS context costs more than a loopback request.
    return httpx.Client(follow_redirects=False)


def _excerpt(response: httpx.Response) -> str:
    received = b""
    # The status is the answer; a body that stalls or breaks is logged as far as it came.
    with suppress(httpx.HTTPError):
        for chunk in response.iter_bytes():
            received += chunk
            if len(received) >= EXCERPT_BYTES:
                break
    return received[:EXCERPT_BYTES].decode("utf-8", "replace")


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """POST once; return the answer's status (None if none came), its excerpt and the error."""
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Loyaldesk-Event": delivery.kind,
        "X-Loyaldesk-Delivery": str(delivery.uuid),
        # Signed at each attempt: a retry carries a fresh timestamp and the current secret.
        "X-Loyaldesk-Signature": sign(delivery.endpoint.secret, body),
    }
    try:
        with _client().stream(
            "POST", delivery.endpoint.url, content=body, headers=headers, timeout=TIMEOUT
        ) as answer:
            status, excerpt = answer.status_code, _excerpt(answer)
            location = answer.headers.get("Location", "")
    except httpx.HTTPError as error:
        return None, "", f"{type(error).__name__}: {error}"[:2000]
    if 200 <= status < 300:
        return status, excerpt, ""
    if 300 <= status < 400:
        return status, excerpt, f"HTTP {status}: redirect to {location} not followed"[:2000]
    return status, excerpt, f"HTTP {status}"


def is_retryable(status: int | None) -> bool:
    """No answer, a server error, a timeout or a rate limit may pass; other refusals will not."""
    return status is None or status >= 500 or status in RETRY_STATUSES


def attempt_delivery(delivery_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Send a queued delivery unless another job holds it or it is not due; record the outcome."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return WebhookDelivery.objects.get(pk=delivery_id)
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.endpoint.is_active:
        status, excerpt, error = _post(delivery)
        retry = is_retryable(status) and delivery.attempts < MAX_ATTEMPTS
    else:
        status, excerpt, error, retry = None, "", ENDPOINT_DISABLED, False
    outcome = {
        "response_status": status,
        "response_excerpt": excerpt,
        "last_error": error,
        "next_attempt_at": None,
    }
    if not error:
        outcome.update(state=WebhookState.DELIVERED, delivered_at=now)
    elif retry:
        outcome["next_attempt_at"] = now + retry_delay(delivery.attempts)
    else:
        outcome["state"] = WebhookState.FAILED
    # Only the holder of this attempt records it: had its claim lapsed and another job taken
    # the delivery over, that job's outcome is the one that counts.
    WebhookDelivery.objects.filter(
        pk=delivery_id, state=WebhookState.QUEUED, attempts=delivery.attempts
    ).update(**outcome)
    delivery.refresh_from_db()
    return delivery


def due_deliveries(now: datetime | None = None) -> list[int]:
    """Queued deliveries whose retry time has come, oldest first."""
    return list(
        WebhookDelivery.objects.filter(
            state=WebhookState.QUEUED, next_attempt_at__lte=now or timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def send_again(delivery_ids: Iterable[int]) -> int:
    """Queue failed deliveries again, same id and body, for a new round; return how many."""
    failed = list(
        WebhookDelivery.objects.select_for_update()
        .filter(pk__in=list(delivery_ids), state=WebhookState.FAILED)
        .values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=failed).update(
        state=WebhookState.QUEUED, attempts=0, next_attempt_at=timezone.now() + LOST_JOB_GRACE
    )
    _schedule(failed)
    return len(failed)


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """Give an endpoint a new signing secret; deliveries still queued are signed with it."""
    endpoint.secret = generate_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret
