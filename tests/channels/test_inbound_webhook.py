"""Email posted by providers to anymail's inbound webhooks: kept raw, read into its case once.

The providers are remote third parties: each test posts the payload shape the provider posts
(Postmark's inbound JSON with RawEmail, Mailgun's forward() form with body-mime and its HMAC
signature), which is the only fake here. Everything after the HTTP request is the real code.
"""

import base64
import hashlib
import hmac
import json
from email.message import EmailMessage

import pytest

from loyaldesk.channels.models import Mailbox, ReceivedEmail, ReceivedState
from loyaldesk.desk.models import Case, Message

SECRET = "provider:a-long-webhook-secret"
SIGNING_KEY = "mailgun-signing-key-0123456789"
POSTMARK_URL = "/inbound/postmark/inbound/"
MAILGUN_URL = "/inbound/mailgun/inbound_mime/"


@pytest.fixture(autouse=True)
def webhook_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    return settings


@pytest.fixture
def mailbox(queue):
    return Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue)


@pytest.fixture
def sales(repairs_queue):
    return Mailbox.objects.create(name="Sales", address="ventes@desk.example", queue=repairs_queue)


def auth(secret=SECRET):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def raw_email(
    to="support@desk.example", message_id="<lavatrice-1@example.it>", subject="Lavatrice"
):
    email = EmailMessage()
    email["From"] = "Giulia Bianchi <giulia.bianchi@example.it>"
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = "Tue, 24 Nov 2026 09:15:00 +0100"
    if message_id:
        email["Message-ID"] = message_id
    email.set_content("Buongiorno, la lavatrice perde acqua dal cassetto del detersivo.")
    email.add_attachment(
        b"%PDF-1.4 scontrino", maintype="application", subtype="pdf", filename="scontrino.pdf"
    )
    return email.as_string().replace("\n", "\r\n")


def postmark_payload(raw, recipient="support@desk.example"):
    """Postmark's inbound JSON with "Include raw email content" switched on (abridged)."""
    return {
        "FromName": "Giulia Bianchi",
        "From": "giulia.bianchi@example.it",
        "FromFull": {"Email": "giulia.bianchi@example.it", "Name": "Giulia Bianchi"},
        "To": recipient,
        "ToFull": [{"Email": recipient, "Name": ""}],
        "OriginalRecipient": recipient,
        "Subject": "Lavatrice",
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "Date": "Tue, 24 Nov 2026 09:15:00 +0100",
        "TextBody": "Buongiorno, la lavatrice perde acqua dal cassetto del detersivo.",
        "Headers": [{"Name": "Return-Path", "Value": "<giulia.bianchi@example.it>"}],
        "Attachments": [],
        "RawEmail": raw,
    }


def post_postmark(client, payload, secret=SECRET):
    return client.post(
        POSTMARK_URL, json.dumps(payload), content_type="application/json", **auth(secret)
    )


def mailgun_form(raw, recipient, key=SIGNING_KEY, timestamp="1795511700", token="a1b2c3" * 8):
    """Mailgun's forward() of a route to a URL containing "mime" (abridged)."""
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "recipient": recipient,
        "sender": "giulia.bianchi@example.it",
        "from": "Giulia Bianchi <giulia.bianchi@example.it>",
        "subject": "Lavatrice",
        "body-mime": raw,
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
    }


def test_a_posted_email_opens_a_case_in_its_mailbox_queue(client, mailbox, queue):
    raw = raw_email()
    response = post_postmark(client, postmark_payload(raw))
    assert response.status_code == 200
    received = ReceivedEmail.objects.get()
    assert received.state == ReceivedState.ADDED
    assert received.mailbox == mailbox
    assert received.uid is None
    with received.raw.open("rb") as kept:
        assert kept.read() == raw.encode()
    case = Case.objects.get()
    assert case.queue == queue
    assert case.subject == "Lavatrice"
    message = case.messages.get()
    assert message.external_id == "<lavatrice-1@example.it>"
    assert "perde acqua" in message.text
    assert message.attachments.get().filename == "scontrino.pdf"
    assert received.message == message


def test_a_provider_retry_makes_no_second_message(client, mailbox):
    payload = postmark_payload(raw_email())
    assert post_postmark(client, payload).status_code == 200
    assert post_postmark(client, payload).status_code == 200
    assert Message.objects.count() == 1
    assert ReceivedEmail.objects.count() == 1


def test_a_retry_of_an_email_without_message_id_makes_no_second_case(client, mailbox):
    payload = postmark_payload(raw_email(message_id=None))
    post_postmark(client, payload)
    post_postmark(client, payload)
    assert Case.objects.count() == 1
    assert ReceivedEmail.objects.count() == 1


def test_the_same_email_sent_by_two_paths_is_one_message(client, mailbox):
    """The same Message-ID with other bytes (another provider's copy) is a duplicate."""
    post_postmark(client, postmark_payload(raw_email()))
    other_copy = "X-Relayed-By: backup-mx\r\n" + raw_email()
    post_postmark(client, postmark_payload(other_copy))
    states = list(ReceivedEmail.objects.order_by("pk").values_list("state", flat=True))
    assert states == [ReceivedState.ADDED, ReceivedState.DUPLICATE]
    assert Message.objects.count() == 1


@pytest.mark.parametrize("secret", ["provider:wrong", "", "someone:else"])
def test_a_wrong_secret_is_refused_and_nothing_kept(client, mailbox, secret):
    response = post_postmark(client, postmark_payload(raw_email()), secret=secret)
    assert response.status_code == 400
    assert not ReceivedEmail.objects.exists()
    assert not Case.objects.exists()


def test_no_secret_configured_means_no_webhook(client, mailbox, settings):
    settings.ANYMAIL = {}
    response = post_postmark(client, postmark_payload(raw_email()))
    assert response.status_code == 404
    assert not ReceivedEmail.objects.exists()


def test_mailgun_raw_mime_goes_to_the_mailbox_it_was_sent_to(client, mailbox, sales, repairs_queue):
    raw = raw_email(to="ventes@desk.example", message_id="<vendita-7@example.it>")
    response = client.post(MAILGUN_URL, mailgun_form(raw, "ventes@desk.example"), **auth())
    assert response.status_code == 200
    received = ReceivedEmail.objects.get()
    assert received.mailbox == sales
    with received.raw.open("rb") as kept:
        assert kept.read() == raw.encode()
    assert Case.objects.get().queue == repairs_queue


def test_mailgun_with_a_wrong_signature_is_refused(client, mailbox):
    form = mailgun_form(raw_email(), "support@desk.example", key="not-the-key")
    assert client.post(MAILGUN_URL, form, **auth()).status_code == 400
    assert not ReceivedEmail.objects.exists()


def test_mail_to_an_address_of_no_mailbox_goes_to_the_default_queue(client, mailbox, queue):
    raw = raw_email(to="info@other.example")
    post_postmark(client, postmark_payload(raw, recipient="info@other.example"))
    received = ReceivedEmail.objects.get()
    assert received.mailbox is None
    assert received.state == ReceivedState.ADDED
    assert Case.objects.get().queue == queue


def test_the_mailbox_is_found_whatever_the_case_of_the_address(client, mailbox):
    raw = raw_email(to="Support@Desk.Example")
    post_postmark(client, postmark_payload(raw, recipient="Support@Desk.Example"))
    assert ReceivedEmail.objects.get().mailbox == mailbox


def test_a_customer_reply_posted_joins_its_case(client, mailbox):
    post_postmark(client, postmark_payload(raw_email()))
    case = Case.objects.get()
    reply = raw_email(
        message_id="<lavatrice-2@example.it>", subject=f"Re: Lavatrice [#{case.number}]"
    )
    post_postmark(client, postmark_payload(reply))
    assert Case.objects.count() == 1
    assert case.messages.count() == 2


def test_a_post_over_the_size_limit_is_refused_for_the_provider_to_retry(client, mailbox, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_postmark(client, postmark_payload(raw_email()))
    assert response.status_code == 400
    assert not ReceivedEmail.objects.exists()
