import re
import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from loyaldesk.desk.services import open_case
from loyaldesk.webhooks import services
from loyaldesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from loyaldesk.webhooks.services import (
    ENDPOINT_DISABLED,
    LOST_JOB_GRACE,
    MAX_ATTEMPTS,
    attempt_delivery,
    due_deliveries,
    rotate_secret,
    send_again,
)
from loyaldesk.webhooks.signing import verify
from loyaldesk.webhooks.tasks import retry_webhooks_task
from tests.webhooks.conftest import HANG, HOLD


def test_a_change_posts_signed_events_once_committed(
    receiver, endpoint, customer, queue, jobs_run_now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(
            customer=customer,
            subject="Aspirapolvere rotto",
            text="Il mio aspirapolvere non si accende più.",
            channel="email",
        )
        assert receiver.requests == []
    assert [r.headers["X-Loyaldesk-Event"] for r in receiver.requests] == [
        "case.created",
        "message.created",
    ]
    for received, delivery in zip(
        receiver.requests, WebhookDelivery.objects.order_by("id"), strict=True
    ):
        assert received.path == "/hooks/loyaldesk"
        assert received.headers["Content-Type"] == "application/json"
        assert received.headers["User-Agent"].startswith("loyaldesk")
        assert received.headers["X-Loyaldesk-Delivery"] == str(delivery.uuid)
        assert received.json == delivery.payload
        assert received.json["id"] == str(delivery.uuid)
        assert received.json["case"]["number"] == case.number
        signature = received.headers["X-Loyaldesk-Signature"]
        assert verify(endpoint.secret, received.body, signature)
        assert not verify("whsec_someone-else", received.body, signature)
        assert not verify(endpoint.secret, received.body.replace(b"rotto", b"fixed"), signature)
        assert delivery.state == "delivered"
        assert delivery.attempts == 1
        assert delivery.response_status == 200
        assert delivery.response_excerpt == "answer 200"
        assert delivery.delivered_at is not None
        assert delivery.next_attempt_at is None
    message = receiver.requests[1]
    assert message.json["message"]["text"] == "Il mio aspirapolvere non si accende più."
    assert "più".encode() in message.body


def test_a_server_error_is_retried_with_the_same_id_and_body(receiver, delivery):
    receiver.answers = [500]
    now = timezone.now()
    first = attempt_delivery(delivery.pk, now=now)
    assert (first.state, first.attempts, first.response_status) == ("queued", 1, 500)
    assert first.last_error == "HTTP 500"
    assert first.response_excerpt == "answer 500"
    assert first.next_attempt_at == now + timedelta(minutes=1)
    assert due_deliveries(now) == []
    assert due_deliveries(first.next_attempt_at) == [delivery.pk]
    second = attempt_delivery(delivery.pk, now=first.next_attempt_at)
    assert (second.state, second.attempts, second.response_status) == ("delivered", 2, 200)
    assert second.last_error == ""
    assert second.delivered_at == first.next_attempt_at
    one, two = receiver.requests
    assert one.body == two.body
    assert one.headers["X-Loyaldesk-Delivery"] == two.headers["X-Loyaldesk-Delivery"]
    for received in (one, two):
        assert verify(
            delivery.endpoint.secret, received.body, received.headers["X-Loyaldesk-Signature"]
        )


def test_retries_back_off_then_give_up(receiver, delivery):
    receiver.answers = [503] * MAX_ATTEMPTS
    now = timezone.now()
    delays = []
    for _ in range(MAX_ATTEMPTS - 1):
        current = attempt_delivery(delivery.pk, now=now)
        assert current.state == "queued"
        delays.append(current.next_attempt_at - now)
        now = current.next_attempt_at
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    last = attempt_delivery(delivery.pk, now=now)
    assert (last.state, last.attempts, last.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert last.response_status == 503
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert due_deliveries(now + timedelta(days=1)) == []


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_timeouts_rate_limits_and_server_errors_are_retried(receiver, delivery, status):
    receiver.answers = [status]
    result = attempt_delivery(delivery.pk)
    assert (result.state, result.response_status) == ("queued", status)
    assert result.next_attempt_at is not None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_other_refusals_fail_at_once(receiver, delivery, status):
    receiver.answers = [status]
    now = timezone.now()
    result = attempt_delivery(delivery.pk, now=now)
    assert (result.state, result.attempts, result.response_status) == ("failed", 1, status)
    assert result.last_error == f"HTTP {status}"
    assert result.response_excerpt == f"answer {status}"
    assert due_deliveries(now + timedelta(days=1)) == []
    assert len(receiver.requests) == 1


def test_redirects_are_not_followed(receiver, delivery):
    receiver.answers = [302]
    result = attempt_delivery(delivery.pk)
    assert (result.state, result.response_status) == ("failed", 302)
    assert f"redirect to http://127.0.0.1:{receiver.port}/elsewhere not followed" in (
        result.last_error
    )
    assert [r.path for r in receiver.requests] == ["/hooks/loyaldesk"]


def test_a_receiver_that_does_not_answer_in_time_is_retried(receiver, delivery, monkeypatch):
    # The receiver never answers this request, so the client's timeout always ends it.
    monkeypatch.setattr(services, "TIMEOUT", httpx.Timeout(0.2))
    receiver.answers = [HANG]
    result = attempt_delivery(delivery.pk)
    assert (result.state, result.attempts, result.response_status) == ("queued", 1, None)
    assert result.last_error.startswith("ReadTimeout")


def test_a_receiver_that_is_down_gets_the_event_once_back(receiver, delivery):
    receiver.stop()
    result = attempt_delivery(delivery.pk)
    assert (result.state, result.response_status) == ("queued", None)
    assert result.last_error.startswith("ConnectError")
    receiver.start()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_webhooks_task.call_local() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 1


def test_a_lost_job_is_picked_up_by_the_periodic_retry(receiver, delivery):
    assert due_deliveries() == []
    assert due_deliveries(delivery.created_at + LOST_JOB_GRACE) == [delivery.pk]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_webhooks_task.call_local() == 1
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert len(receiver.requests) == 1


def test_a_delivered_event_is_never_sent_again(receiver, delivery):
    attempt_delivery(delivery.pk)
    attempt_delivery(delivery.pk)
    attempt_delivery(delivery.pk, now=timezone.now() + timedelta(days=1))
    assert len(receiver.requests) == 1


def test_a_delivery_waiting_for_its_retry_is_not_sent_early(receiver, delivery):
    receiver.answers = [500]
    now = timezone.now()
    attempt_delivery(delivery.pk, now=now)
    early = attempt_delivery(delivery.pk, now=now + timedelta(seconds=59))
    assert (early.state, early.attempts) == ("queued", 1)
    assert len(receiver.requests) == 1


def test_two_jobs_never_send_one_delivery_at_once(transactional_db, receiver, delivery):
    receiver.answers = [HOLD]
    results = []

    def first_job():
        try:
            results.append(attempt_delivery(delivery.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=first_job)
    worker.start()
    assert receiver.arrived.wait(timeout=30)
    # While the first job waits for its answer, the immediate job and the periodic pickup
    # (even just before the first job's claim lapses) both find the delivery taken.
    assert attempt_delivery(delivery.pk).attempts == 1
    just_before = timezone.now() + LOST_JOB_GRACE - timedelta(seconds=30)
    assert attempt_delivery(delivery.pk, now=just_before).state == "queued"
    receiver.release.set()
    worker.join(timeout=30)
    assert [r.state for r in results] == ["delivered"]
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 1)


def test_a_deactivated_endpoint_gets_nothing_more(receiver, delivery):
    WebhookEndpoint.objects.update(is_active=False)
    result = attempt_delivery(delivery.pk)
    assert (result.state, result.last_error) == ("failed", ENDPOINT_DISABLED)
    assert receiver.requests == []


def test_after_a_secret_rotation_deliveries_are_signed_with_the_new_secret(receiver, delivery):
    old = delivery.endpoint.secret
    new = rotate_secret(delivery.endpoint)
    assert new != old
    attempt_delivery(delivery.pk)
    (received,) = receiver.requests
    signature = received.headers["X-Loyaldesk-Signature"]
    assert verify(new, received.body, signature)
    assert not verify(old, received.body, signature)


def test_send_again_delivers_a_failed_event_with_the_same_id(
    receiver, delivery, jobs_run_now, django_capture_on_commit_callbacks
):
    receiver.answers = [410]
    assert attempt_delivery(delivery.pk).state == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_again([delivery.pk]) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    refused, accepted = receiver.requests
    assert refused.body == accepted.body
    assert refused.headers["X-Loyaldesk-Delivery"] == accepted.headers["X-Loyaldesk-Delivery"]
    assert send_again([delivery.pk]) == 0


def documented_verifier():
    """The receiver code of docs/webhooks.md, run as written."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
    code = re.search(r"```python\n(.*?)```", docs.read_text(encoding="utf-8"), re.DOTALL)
    namespace = {}
    exec(code.group(1), namespace)
    return namespace["verify_loyaldesk_signature"]


def test_the_documented_receiver_code_verifies_a_real_delivery(receiver, delivery):
    attempt_delivery(delivery.pk)
    (received,) = receiver.requests
    check, header = documented_verifier(), received.headers["X-Loyaldesk-Signature"]
    assert check(delivery.endpoint.secret, received.body, header)
    assert not check("whsec_someone-else", received.body, header)
    assert not check(delivery.endpoint.secret, received.body + b" ", header)
