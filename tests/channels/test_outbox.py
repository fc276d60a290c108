from datetime import timedelta
from email import message_from_bytes
from email.utils import getaddresses

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from loyaldesk.channels.models import Delivery
from loyaldesk.channels.services import MAX_ATTEMPTS, attempt_delivery, due_deliveries
from loyaldesk.channels.tasks import retry_deliveries_task
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.attachments import store_upload
from loyaldesk.desk.services import open_case, reply_to_customer


def received(inbox, index=-1):
    return message_from_bytes(inbox.envelopes[index].content)


def test_reply_leaves_through_smtp_with_threading_headers(
    smtp_inbox, jobs_run_now, case, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_to_customer(case, agent=agent, text="Gentile Chiara, ci pensiamo noi.")
    assert len(smtp_inbox.envelopes) == 1
    mail = received(smtp_inbox)
    assert smtp_inbox.envelopes[0].rcpt_tos == ["chiara.rossi@example.it"]
    assert mail["Subject"] == f"Re: Aspirapolvere rotto [{case.reference}]"
    assert mail["Message-ID"] == reply.external_id
    assert mail["In-Reply-To"] == "<abc@example.it>"
    assert mail["References"] == "<abc@example.it>"
    assert getaddresses([mail["From"]]) == [("", "support@shop.example")]
    assert "ci pensiamo noi" in mail.get_payload(decode=True).decode()
    delivery = Delivery.objects.get(message=reply)
    assert delivery.state == "sent"
    assert delivery.attempts == 1
    assert case.events.filter(kind="message.sent", after__message=reply.pk).exists()


def test_second_reply_references_the_whole_thread(
    smtp_inbox, jobs_run_now, case, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reply_to_customer(case, agent=agent, text="One")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_customer(case, agent=agent, text="Two")
    mail = received(smtp_inbox)
    assert mail["References"].split() == ["<abc@example.it>", first.external_id]
    assert mail["In-Reply-To"] == first.external_id


def test_server_down_defers_with_backoff_then_gives_up(smtp_down, case, agent):
    reply = reply_to_customer(case, agent=agent, text="Hello")
    delivery = reply.delivery
    now = timezone.now()
    delays = []
    for _ in range(MAX_ATTEMPTS - 1):
        delivery = attempt_delivery(delivery.pk, now=now)
        assert delivery.state == "queued"
        delays.append(delivery.next_attempt_at - now)
        assert due_deliveries(now) == []
        assert due_deliveries(delivery.next_attempt_at) == [delivery.pk]
        now = delivery.next_attempt_at
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()
    delivery = attempt_delivery(delivery.pk, now=now)
    assert delivery.state == "failed"
    assert delivery.attempts == MAX_ATTEMPTS
    kinds = list(
        case.events.filter(kind__startswith="message.delivery").values_list("kind", flat=True)
    )
    assert kinds == ["message.delivery_deferred"] * (MAX_ATTEMPTS - 1) + ["message.delivery_failed"]


def test_periodic_retry_sends_once_the_server_is_back(smtp_inbox, settings, case, agent):
    reply = reply_to_customer(case, agent=agent, text="Hello")
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1
    attempt_delivery(reply.delivery.pk)
    settings.EMAIL_PORT = working_port
    Delivery.objects.filter(pk=reply.delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_deliveries_task.call_local() == 1
    reply.delivery.refresh_from_db()
    assert reply.delivery.state == "sent"
    assert len(smtp_inbox.envelopes) == 1


def test_refused_recipient_fails_at_once_and_the_agent_sees_why(
    smtp_inbox, client, manager, case, agent
):
    smtp_inbox.refuse_with = "550 5.1.1 No such user here"
    reply = reply_to_customer(case, agent=agent, text="Hello")
    delivery = attempt_delivery(reply.delivery.pk)
    assert delivery.state == "failed"
    assert delivery.attempts == 1
    assert "No such user" in delivery.last_error
    client.force_login(manager)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    assert "No such user" in page


def test_a_sent_message_is_never_sent_twice(smtp_inbox, case, agent):
    reply = reply_to_customer(case, agent=agent, text="Hello")
    attempt_delivery(reply.delivery.pk)
    attempt_delivery(reply.delivery.pk)
    assert len(smtp_inbox.envelopes) == 1


def test_customer_without_email_is_reported_not_dropped(queue, agent):
    caller = create_customer(first_name="Jean", last_name="Dupont", phones=["+33 1 23 45 67 89"])
    case = open_case(customer=caller, subject="Appel", text="...", channel="phone")
    reply = reply_to_customer(case, agent=agent, text="Bonjour")
    assert reply.delivery.state == "failed"
    assert "no email address" in reply.delivery.last_error
    assert case.events.filter(kind="message.delivery_failed").exists()


def test_attachments_leave_with_the_reply(
    smtp_inbox, jobs_run_now, case, agent, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("ricevuta.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_customer(
            case,
            agent=agent,
            text="In allegato",
            attachments=[store_upload(upload, uploaded_by=agent)],
        )
    parts = [part for part in received(smtp_inbox).walk() if part.get_filename()]
    assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
        ("ricevuta.pdf", "application/pdf")
    ]
    assert parts[0].get_payload(decode=True) == b"%PDF-1.4 x"
