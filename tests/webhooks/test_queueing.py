from datetime import timedelta

import pytest
from django.db import transaction

from loyaldesk.channels.services import attempt_delivery as attempt_email
from loyaldesk.customers.services import create_customer, update_customer
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Queue
from loyaldesk.desk.services import (
    add_customer_message,
    add_internal_note,
    assign_case,
    change_case_details,
    change_status,
    link_cases,
    merge_cases,
    open_case,
    reply_to_customer,
    split_message,
)
from loyaldesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from loyaldesk.webhooks.payloads import TEXT_EXCERPT_CHARS
from loyaldesk.webhooks.services import LOST_JOB_GRACE, queue_deliveries
from tests.conftest import T0


def kinds():
    return list(WebhookDelivery.objects.order_by("id").values_list("kind", flat=True))


def latest():
    return WebhookDelivery.objects.order_by("id").last()


def open_test_case(customer, queue, text="Il mio aspirapolvere non si accende più."):
    return open_case(
        customer=customer, subject="Aspirapolvere rotto", text=text, channel="email", at=T0
    )


def test_a_new_case_sends_case_created_then_message_created(endpoint, customer, queue):
    case = open_test_case(customer, queue)
    assert kinds() == ["case.created", "message.created"]
    created, message = WebhookDelivery.objects.order_by("id")
    assert created.event == case.events.get(kind="case.opened")
    assert created.endpoint == endpoint
    assert created.state == "queued"
    assert created.attempts == 0
    assert created.payload == {
        "id": str(created.uuid),
        "kind": "case.created",
        "occurred_at": "2026-03-02T09:00:00+00:00",
        "actor": {"kind": "customer", "user_id": None},
        "case": {
            "number": case.number,
            "reference": f"#{case.number}",
            "subject": "Aspirapolvere rotto",
            "status": "new",
            "priority": "normal",
            "category": "",
            "channel": "email",
            "language": "it",
            "queue": {"id": queue.pk, "slug": "general", "name": "General"},
            "assignee": None,
            "customer_id": customer.pk,
            "opened_at": "2026-03-02T09:00:00+00:00",
            "resolved_at": None,
            "closed_at": None,
        },
    }
    first = case.messages.get()
    assert message.payload["message"] == {
        "id": first.pk,
        "kind": "inbound",
        "channel": "email",
        "created_at": "2026-03-02T09:00:00+00:00",
        "text": "Il mio aspirapolvere non si accende più.",
        "text_truncated": False,
    }
    assert message.payload["case"]["number"] == case.number
    assert message.payload["id"] == str(message.uuid) != created.payload["id"]


def test_long_message_texts_are_cut_to_an_excerpt(endpoint, customer, queue):
    open_test_case(customer, queue, text="x" * (TEXT_EXCERPT_CHARS + 1))
    message = latest().payload["message"]
    assert message["text"] == "x" * TEXT_EXCERPT_CHARS
    assert message["text_truncated"] is True


def test_resolving_sends_case_resolved_with_the_previous_status(endpoint, case, agent):
    change_status(case, "open", actor=agent, at=T0 + timedelta(minutes=5))
    change_status(case, "resolved", actor=agent, at=T0 + timedelta(hours=1))
    assert kinds()[-2:] == ["case.updated", "case.resolved"]
    resolved = latest().payload
    assert resolved["case"]["status"] == "resolved"
    assert resolved["case"]["resolved_at"] == "2026-03-02T10:00:00+00:00"
    assert resolved["previous"] == {"status": "open"}
    assert resolved["actor"] == {"kind": "staff", "user_id": agent.pk}


def test_reopening_and_closing_are_updates(endpoint, case, agent):
    change_status(case, "resolved", actor=agent)
    WebhookDelivery.objects.all().delete()
    add_customer_message(case, text="Non funziona ancora.", channel="email")
    assert kinds() == ["message.created", "case.updated"]
    assert latest().payload["previous"] == {"status": "resolved"}
    assert latest().payload["case"]["status"] == "open"
    change_status(case, "resolved", actor=agent)
    change_status(case, "closed", actor=agent)
    assert kinds()[-2:] == ["case.resolved", "case.updated"]
    assert latest().payload["case"]["status"] == "closed"


def test_assigning_and_editing_are_updates_with_what_changed(endpoint, case, agent, lead):
    assign_case(case, agent, actor=lead)
    # Taking a new case also opens it: two events, two deliveries.
    assert kinds()[-2:] == ["case.updated", "case.updated"]
    assigned = latest().payload
    assert assigned["previous"] == {"assignee": None}
    assert assigned["case"]["assignee"] == {"id": agent.pk, "username": "agent1", "name": "Paul"}
    assert assigned["case"]["status"] == "open"
    urgent, general = Queue.objects.create(name="Urgent", slug="urgent"), case.queue_id
    change_case_details(case, actor=lead, priority="high", queue=urgent)
    edited = latest().payload
    assert edited["kind"] == "case.updated"
    assert edited["previous"] == {"priority": "normal", "queue": general}
    assert edited["case"]["priority"] == "high"
    assert edited["case"]["queue"] == {"id": urgent.pk, "slug": "urgent", "name": "Urgent"}


def test_replies_and_notes_are_messages(endpoint, case, agent):
    WebhookDelivery.objects.all().delete()
    reply_to_customer(case, agent=agent, text="Gentile Chiara, ci pensiamo noi.")
    add_internal_note(case, agent=agent, text="Cliente fedele da dieci anni.")
    assert kinds() == ["message.created", "case.updated", "message.created"]
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert deliveries[0].payload["message"]["kind"] == "outbound"
    assert deliveries[1].payload["previous"] == {"status": "new"}
    assert deliveries[2].payload["message"]["kind"] == "note"


def test_customer_and_outbox_events_stay_internal(endpoint, case, agent, customer):
    reply_to_customer(case, agent=agent, text="Hello")
    WebhookDelivery.objects.all().delete()
    create_customer(first_name="Jean", last_name="Dupont", emails=["jean@example.fr"])
    update_customer(customer, segment="premium")
    attempt_email(case.messages.last().delivery.pk)
    assert case.events.filter(kind__startswith="message.sent").exists()
    assert kinds() == []


def test_unsubscribed_kinds_and_inactive_endpoints_get_nothing(receiver, customer, queue, agent):
    resolved_only = WebhookEndpoint.objects.create(url=receiver.url, events=["case.resolved"])
    WebhookEndpoint.objects.create(url=receiver.url, events=["case.created"], is_active=False)
    case = open_test_case(customer, queue)
    assert kinds() == []
    change_status(case, "resolved", actor=agent)
    assert list(WebhookDelivery.objects.values_list("endpoint", "kind")) == [
        (resolved_only.pk, "case.resolved")
    ]


def test_each_subscribed_endpoint_gets_its_own_delivery(receiver, customer, queue):
    first = WebhookEndpoint.objects.create(url=receiver.url, events=["case.created"])
    second = WebhookEndpoint.objects.create(url=receiver.url + "/2", events=["case.created"])
    open_test_case(customer, queue)
    deliveries = list(WebhookDelivery.objects.order_by("endpoint_id"))
    assert [d.endpoint for d in deliveries] == [first, second]
    assert deliveries[0].payload["id"] != deliveries[1].payload["id"]
    assert {k: v for k, v in deliveries[0].payload.items() if k != "id"} == {
        k: v for k, v in deliveries[1].payload.items() if k != "id"
    }


def test_deliveries_are_queued_in_the_transaction_and_sent_after_commit(
    endpoint, customer, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as scheduled:
        open_test_case(customer, queue)
        assert WebhookDelivery.objects.count() == 2
    assert len(scheduled) == 2


def test_a_rolled_back_change_queues_and_sends_nothing(
    endpoint, customer, queue, django_capture_on_commit_callbacks
):
    queued_inside = []

    def failing_change():
        with transaction.atomic():
            open_test_case(customer, queue)
            queued_inside.append(WebhookDelivery.objects.count())
            raise RuntimeError("the change fails after its events were recorded")

    with django_capture_on_commit_callbacks() as scheduled, pytest.raises(RuntimeError):
        failing_change()
    assert queued_inside == [2]
    assert WebhookDelivery.objects.count() == 0
    assert scheduled == []


def test_a_queued_delivery_waits_for_the_lost_job_pickup(endpoint, customer, queue):
    open_test_case(customer, queue)
    delivery = latest()
    assert delivery.next_attempt_at - delivery.created_at == LOST_JOB_GRACE


def test_without_endpoints_an_event_costs_one_query(db, case, django_assert_num_queries):
    event = case.events.get(kind="case.opened")
    with django_assert_num_queries(1):
        assert queue_deliveries(event) == []


def test_unsent_kinds_cost_no_query(db, customer, django_assert_num_queries):
    with django_assert_num_queries(1):  # the event's own INSERT
        record_event("customer.updated", customer=customer, after={"segment": "premium"})


def test_merging_splitting_and_linking_cases_send_case_updated(endpoint, customer, queue, agent):
    first = open_test_case(customer, queue)
    second = open_test_case(customer, queue, text="Di nuovo: non si accende.")
    WebhookDelivery.objects.all().delete()
    link_cases(first, second, actor=agent)
    assert kinds() == ["case.updated", "case.updated"]
    WebhookDelivery.objects.all().delete()
    merge_cases(second, first, actor=agent)
    # The duplicate resolves and closes on its way out; then each side records the merge.
    assert kinds() == ["case.resolved", "case.updated", "case.updated", "case.updated"]
    assert {d.payload["case"]["number"] for d in WebhookDelivery.objects.all()} == {
        first.number,
        second.number,
    }
    WebhookDelivery.objects.all().delete()
    message = add_customer_message(first, text="E la fattura?", channel="email")
    WebhookDelivery.objects.all().delete()
    split_message(message, actor=agent)
    assert kinds() == ["case.created", "case.updated"]
