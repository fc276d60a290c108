"""Emails read together in one batch: they thread, repeat and fail among themselves as they
would one by one, and the cases they open are the cases `open_case` opens."""

from datetime import time

import pytest

from loyaldesk.channels.models import Mailbox, ReceivedEmail, ReceivedState
from loyaldesk.channels.receiving import keep_email, read_emails
from loyaldesk.customers.models import Customer
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.models import Case, Event
from loyaldesk.desk.services import CaseDraft, open_case, open_cases
from loyaldesk.service_levels.models import CaseTimer, OpeningRange, Policy, ServiceCalendar
from loyaldesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.channels.test_receiving import email
from tests.conftest import T0


@pytest.fixture
def mailbox(queue):
    return Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue)


@pytest.fixture
def policy(db):
    calendar = ServiceCalendar.objects.create(name="Milano", time_zone="Europe/Rome")
    for weekday in range(5):
        OpeningRange.objects.create(
            calendar=calendar, weekday=weekday, opens=time(9), closes=time(18)
        )
    return Policy.objects.create(
        name="Standard",
        position=10,
        calendar=calendar,
        first_response_minutes=240,
        next_response_minutes=240,
        resolution_minutes=900,
    )


def read_together(raws, mailbox):
    kept = [keep_email(raw, mailbox=mailbox, at=T0) for raw in raws]
    read_emails([received.pk for received in kept])
    for received in kept:
        received.refresh_from_db()
    return kept


def test_emails_of_one_batch_thread_repeat_and_share_customers_among_themselves(mailbox, caplog):
    question = email(message_id="<domanda@example.it>")
    answer = email(
        subject="Re: Lavatrice in perdita",
        text="Dimenticavo: è una Candy.",
        message_id="<seguito@example.it>",
        In_Reply_To="<domanda@example.it>",
    )
    copy = email(to="support@desk.example, vendite@example.it", message_id="<domanda@example.it>")
    first = email(sender="Marco Neri <marco.neri@example.it>", subject="Fattura")
    second = email(sender="Marco Neri <marco.neri@example.it>", subject="Garanzia")

    kept = read_together([question, answer, copy, first, second], mailbox)

    assert "one by one" not in caplog.text, "read together, not after a failed batch"

    states = [received.state for received in kept]
    assert (
        states == [ReceivedState.ADDED] * 2 + [ReceivedState.DUPLICATE] + [ReceivedState.ADDED] * 2
    )
    assert kept[1].case == kept[0].case
    assert kept[2].message == kept[0].message
    assert list(kept[0].case.messages.values_list("external_id", flat=True)) == [
        "<domanda@example.it>",
        "<seguito@example.it>",
    ]
    assert Case.objects.count() == 3
    assert Customer.objects.filter(last_name="Neri").count() == 1
    assert kept[3].case.customer == kept[4].case.customer


def test_a_bad_email_fails_alone_and_the_rest_of_its_batch_is_read(mailbox):
    kept = [keep_email(email(subject=f"Guasto {n}"), mailbox=mailbox, at=T0) for n in range(3)]
    kept[1].raw.delete(save=False)  # its stored file is gone: reading it fails

    read_emails([received.pk for received in kept])

    states = [ReceivedEmail.objects.get(pk=received.pk).state for received in kept]
    assert states == [ReceivedState.ADDED, ReceivedState.FAILED, ReceivedState.ADDED]
    assert Case.objects.count() == 2


def test_cases_opened_in_a_batch_send_their_webhooks(mailbox):
    WebhookEndpoint.objects.create(
        url="https://crm.example.com/hooks", events=["case.created", "message.created"]
    )
    read_together([email(), email(sender="marco.neri@example.it", subject="Fattura")], mailbox)
    kinds = sorted(WebhookDelivery.objects.values_list("kind", flat=True))
    assert kinds == ["case.created"] * 2 + ["message.created"] * 2


def test_cases_opened_together_are_the_cases_open_case_opens(customer, queue, policy):
    other = create_customer(first_name="Marco", last_name="Neri", preferred_language="it")
    alone = open_case(
        customer=customer,
        subject="Lavatrice",
        text="Perde acqua.",
        channel="email",
        queue=queue,
        sender_address="chiara@example.it",
        external_id="<alone@example.it>",
        at=T0,
    )
    [message] = open_cases(
        [
            CaseDraft(
                customer=other,
                subject="Lavatrice",
                text="Perde acqua.",
                channel="email",
                queue=queue,
                sender_address="marco@example.it",
                external_id="<together@example.it>",
                at=T0,
            )
        ]
    )
    together = Case.objects.get(pk=message.case_id)
    alone.refresh_from_db()

    def shape(case):
        events = Event.objects.filter(case=case).order_by("id")
        timers = CaseTimer.objects.filter(case=case).order_by("target")
        return (
            [(event.kind, event.actor_kind, event.at) for event in events],
            [(timer.target, timer.due_at, timer.running, timer.target_seconds) for timer in timers],
            (case.status, case.sla_due_at, case.sla_breached, case.language, case.opened_at),
            [(m.kind, m.channel, m.text, m.author_customer_id) for m in case.messages.all()],
        )

    alone_shape, together_shape = shape(alone), shape(together)
    assert together_shape[:3] == alone_shape[:3]
    assert together_shape[3] == [("inbound", "email", "Perde acqua.", other.pk)]
    assert alone_shape[0][-1][0] == "sla.policy_applied"
    assert together.number == alone.number + 1
