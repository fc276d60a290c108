"""Faxes: a document a fax gateway forwards, or one an agent puts in, becomes a message on
channel "fax" with the document attached, in the sender's case."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loyaldesk.channels.models import Mailbox, ReceivedState
from loyaldesk.channels.receiving import keep_email, read_email
from loyaldesk.customers.models import Identity
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.models import Case, Message
from tests.conftest import PASSWORD, T0

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
TIFF = b"II*\x00\x08\x00\x00\x00" + bytes(64)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture
def mailbox(queue):
    return Mailbox.objects.create(
        name="Support",
        address="support@desk.example",
        queue=queue,
        fax_senders="fax@gateway.example\nFax2Mail@Other.example",
    )


def gateway_email(
    subject="Fax from +33 1 42 68 53 00 (2 pages)",
    document=PDF,
    filename="fax-0001.pdf",
    sender="Fax Gateway <fax@gateway.example>",
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@desk.example"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="gateway.example")
    message.set_content("You have received a fax.")
    if document is not None:
        maintype, subtype = ("image", "tiff") if document is TIFF else ("application", "pdf")
        message.add_attachment(document, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def receive(raw, mailbox):
    return read_email(keep_email(raw, mailbox=mailbox, at=T0))


def test_a_gateway_email_becomes_a_fax_from_the_number_it_names(mailbox):
    received = receive(gateway_email(), mailbox)

    assert received.state == ReceivedState.ADDED
    message = received.message
    assert (message.channel, message.kind) == ("fax", "inbound")
    assert message.sender_address == "+33142685300"
    case = received.case
    assert case.origin_channel == "fax"
    assert case.queue == mailbox.queue
    identity = case.customer.identities.get()
    assert (identity.channel, identity.address) == ("fax", "+33142685300")
    assert case.customer.preferred_language == "fr"
    [document] = message.attachments.all()
    assert (document.filename, document.content_type) == ("fax-0001.pdf", "application/pdf")
    assert document.blocked == ""


def test_a_fax_joins_the_customer_known_by_that_phone_number_and_the_case_it_names(mailbox):
    customer = create_customer(first_name="Luc", last_name="Martin", phones=["+33142685300"])
    first = receive(gateway_email(), mailbox)
    assert first.case.customer == customer
    assert not Identity.objects.filter(channel="fax").exists()

    named = receive(
        gateway_email(subject=f"Fax +33 1 42 68 53 00 [{first.case.reference}]", document=TIFF),
        mailbox,
    )
    assert named.case == first.case
    assert named.message.attachments.get().content_type == "image/tiff"


def test_a_gateway_sending_many_faxes_is_no_mail_storm(mailbox, settings):
    settings.MAIL_STORM_LIMIT = 2
    states = [receive(gateway_email(), mailbox).state for _ in range(4)]
    assert states == [ReceivedState.ADDED] * 4
    assert Message.objects.filter(channel="fax").count() == 4


def test_a_gateway_email_without_a_fax_document_opens_nothing(mailbox):
    notice = receive(
        gateway_email(subject="Fax to +39 02 1234 5678 failed", document=None), mailbox
    )
    assert notice.state == ReceivedState.IGNORED
    assert notice.reason == "from a fax gateway, with no fax document"
    photo = receive(gateway_email(document=PNG, filename="fax.pdf"), mailbox)
    assert photo.state == ReceivedState.IGNORED  # the bytes, not the name, say what it is
    assert not Case.objects.exists()


def test_a_fax_naming_no_number_gets_a_customer_to_identify(mailbox):
    received = receive(gateway_email(subject="Nuovo fax"), mailbox)
    assert received.message.channel == "fax"
    assert received.case.customer.identities.count() == 0
    assert received.message.sender_address == "fax@gateway.example"


def test_the_same_gateway_email_twice_makes_one_fax(mailbox):
    raw = gateway_email()
    receive(raw, mailbox)
    again = receive(raw.replace(b"To: support@", b"To: Support@"), mailbox)
    assert again.state == ReceivedState.DUPLICATE
    assert Message.objects.filter(channel="fax").count() == 1


def test_mail_from_another_sender_with_a_pdf_is_an_email(mailbox):
    received = receive(gateway_email(sender="luc.martin@example.fr"), mailbox)
    assert received.message.channel == "email"


def upload(client, case, content, name):
    return client.post(
        reverse("channels:add-fax", args=[case.number]),
        {"document": SimpleUploadedFile(name, content), "note": "Bon de commande signé"},
    )


def test_an_agent_puts_a_fax_the_customer_sent_into_the_case(client, agent, front_team, case):
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(reverse("desk:case-detail", args=[case.number]))
    assert reverse("channels:add-fax", args=[case.number]) in page.content.decode()

    response = upload(client, case, PDF, "scan.pdf")

    assert response.status_code == 303
    message = case.messages.get(channel="fax")
    assert (message.kind, message.text) == ("inbound", "Bon de commande signé")
    [document] = message.attachments.all()
    assert (document.content_type, document.uploaded_by) == ("application/pdf", agent)


def test_a_fax_upload_that_is_no_pdf_or_tiff_is_refused_with_the_reason(
    client, agent, front_team, case
):
    client.login(username=agent.username, password=PASSWORD)
    response = upload(client, case, PNG, "scan.pdf")
    assert response.status_code == 303
    assert not case.messages.filter(channel="fax").exists()
    page = client.get(reverse("desk:case-detail", args=[case.number]))
    assert "A fax is a PDF or TIFF document." in page.content.decode()


def test_an_agent_who_may_not_see_the_case_cannot_add_a_fax(client, repairs_queue, case):
    client.login(username="agent2", password=PASSWORD)
    response = upload(client, case, PDF, "scan.pdf")
    assert response.status_code == 404
    assert not case.messages.filter(channel="fax").exists()
