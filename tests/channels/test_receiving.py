"""Receiving email: bytes kept first, each email read once into the case it belongs to, and
the known failures of other desks (threading, duplicates, loops, bounces) avoided."""

from email import message_from_bytes
from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.management import call_command

from loyaldesk.channels.models import Delivery, DeliveryState, Mailbox, ReceivedState
from loyaldesk.channels.receiving import keep_email, read_email, read_waiting_emails
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, CaseLink, Event, Message
from loyaldesk.desk.services import change_status, reply_to_customer
from tests.conftest import T0


@pytest.fixture
def mailbox(queue):
    return Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue)


@pytest.fixture
def sales(repairs_queue):
    return Mailbox.objects.create(name="Sales", address="ventes@desk.example", queue=repairs_queue)


def email(
    sender="Giulia Bianchi <giulia.bianchi@example.it>",
    subject="Lavatrice in perdita",
    text="Buongiorno, la lavatrice perde acqua.",
    to="support@desk.example",
    message_id=None,
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.it")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def receive(raw, mailbox=None, **where):
    return read_email(keep_email(raw, mailbox=mailbox, at=T0, **where))


def test_a_new_email_opens_a_case_for_a_new_customer_and_keeps_its_bytes(mailbox):
    message = EmailMessage()
    message["From"] = "Giulia Bianchi <Giulia.Bianchi@Example.it>"
    message["To"] = "support@desk.example"
    message["Subject"] = "Foto del danno"
    message["Message-ID"] = "<foto.1@example.it>"
    message.set_content("Vi mando la foto.")
    message.add_attachment(b"\xff\xd8jpeg", maintype="image", subtype="jpeg", filename="danno.jpg")
    raw = message.as_bytes()

    received = receive(raw, mailbox)
    assert received.state == ReceivedState.ADDED
    with received.raw.open("rb") as kept:
        assert kept.read() == raw
    case = received.case
    assert case.queue == mailbox.queue
    assert case.subject == "Foto del danno"
    assert case.customer.first_name == "Giulia"
    assert case.customer.last_name == "Bianchi"
    assert case.customer.identities.get().address == "giulia.bianchi@example.it"
    inbound = received.message
    assert inbound.external_id == "<foto.1@example.it>"
    assert inbound.text.strip() == "Vi mando la foto."
    [photo] = inbound.attachments.all()
    assert (photo.filename, photo.content_type, photo.size) == ("danno.jpg", "image/jpeg", 6)


def test_the_same_uid_is_kept_once_and_reading_twice_changes_nothing(mailbox):
    raw = email()
    first = keep_email(raw, mailbox=mailbox, uidvalidity=7, uid=42, at=T0)
    again = keep_email(raw, mailbox=mailbox, uidvalidity=7, uid=42, at=T0)
    assert again.pk == first.pk
    read_email(first)
    read_email(first)
    assert read_waiting_emails() == 0
    assert Case.objects.count() == 1
    assert Message.objects.count() == 1


def test_one_email_sent_to_two_of_our_mailboxes_makes_one_case(mailbox, sales):
    raw = email(to="support@desk.example, ventes@desk.example", message_id="<twice@example.it>")
    first = receive(raw, mailbox, uidvalidity=1, uid=1)
    second = receive(raw, sales, uidvalidity=1, uid=1)
    assert first.state == ReceivedState.ADDED
    assert second.state == ReceivedState.DUPLICATE
    assert second.case == first.case
    assert Case.objects.count() == 1


def our_reply(case, agent):
    return reply_to_customer(case, agent=agent, text="Ci mandi il numero di serie.", at=T0)


def test_replies_thread_by_headers_even_when_outlook_rewrites_in_reply_to(mailbox, agent):
    case = receive(email(), mailbox).case
    ours = our_reply(case, agent)
    reply = email(subject="RE: Lavatrice", In_Reply_To=ours.external_id)
    assert receive(reply, mailbox).case == case
    outlook = email(
        subject="R: Lavatrice",
        In_Reply_To="<AM0PR01MB1234@eurprd01.prod.outlook.com>",
        References=f"<first@example.it> {ours.external_id}",
    )
    assert receive(outlook, mailbox).case == case
    assert Case.objects.count() == 1


def test_a_reply_with_only_the_case_number_in_its_subject_joins_the_case(mailbox):
    case = receive(email(), mailbox).case
    reply = email(subject=f"Re: Lavatrice in perdita [#{case.number}]")
    assert receive(reply, mailbox).case == case


def test_someone_in_cc_who_replies_joins_the_case(mailbox, agent):
    case = receive(email(), mailbox).case
    ours = our_reply(case, agent)
    cc_reply = email(sender="Marco Bianchi <marco@example.it>", In_Reply_To=ours.external_id)
    received = receive(cc_reply, mailbox)
    assert received.case == case
    assert received.message.sender_address == "marco@example.it"


def test_replies_to_one_broadcast_from_different_people_stay_apart(mailbox):
    broadcast = "<newsletter-2026-11@desk.example>"
    cases = {
        receive(email(sender=sender, subject="Re: Novità di novembre", In_Reply_To=broadcast)).case
        for sender in ("a@example.it", "b@example.fr", "c@example.com")
    }
    assert len(cases) == 3


def test_our_own_mail_automatic_replies_and_senderless_mail_open_no_case(mailbox):
    own = receive(email(sender="Support <support@desk.example>"), mailbox)
    away = receive(email(Auto_Submitted="auto-replied", subject="Réponse automatique"), mailbox)
    nobody = receive(b"Subject: ?\r\n\r\nno sender at all", mailbox)
    assert own.state == away.state == nobody.state == ReceivedState.IGNORED
    assert own.reason == "sent from one of our own addresses"
    assert away.reason == "an automatic reply"
    assert not Case.objects.exists()


def test_a_bounce_marks_the_reply_it_returns_as_bounced(mailbox, agent):
    case = receive(email(), mailbox).case
    ours = our_reply(case, agent)
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.it>"
    report["To"] = "support@desk.example"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("The mail system: user unknown")
    report.add_attachment(
        f"From: support@desk.example\r\nMessage-ID: {ours.external_id}\r\n\r\n".encode(),
        maintype="text",
        subtype="rfc822-headers",
    )
    report.replace_header("Content-Type", report["Content-Type"].replace("mixed", "report"))
    report.set_param("report-type", "delivery-status")
    received = receive(report.as_bytes(), mailbox)
    assert received.state == ReceivedState.IGNORED
    delivery = Delivery.objects.get(message=ours)
    assert delivery.state == DeliveryState.BOUNCED
    assert received.reason == f"a delivery report: delivery {delivery.pk} bounced"
    assert Event.objects.filter(case=case, kind="message.delivery_failed").exists()
    assert Case.objects.count() == 1


def test_writing_back_on_a_closed_case_opens_a_linked_one(mailbox, agent):
    case = receive(email(), mailbox).case
    ours = our_reply(case, agent)
    change_status(case, Status.RESOLVED, actor=agent, at=T0)
    change_status(case, Status.CLOSED, actor=agent, at=T0)
    later = receive(email(text="Perde di nuovo.", In_Reply_To=ours.external_id), mailbox).case
    assert later != case
    assert later.customer == case.customer
    assert CaseLink.objects.filter(from_case=later, to_case=case).exists()


def test_a_storm_from_one_sender_is_kept_aside(mailbox, settings):
    settings.MAIL_STORM_LIMIT = 3
    states = [receive(email(subject=f"Urgente {n}"), mailbox).state for n in range(5)]
    assert states == [ReceivedState.ADDED] * 3 + [ReceivedState.IGNORED] * 2
    assert Case.objects.count() == 3


def test_an_email_that_cannot_be_read_is_marked_failed_with_the_reason(mailbox):
    kept = keep_email(email(), mailbox=mailbox, at=T0)
    kept.raw.delete(save=False)  # the stored file is gone: reading fails
    failed = read_email(kept)
    assert failed.state == ReceivedState.FAILED
    assert "FileNotFoundError" in failed.reason or "No such file" in failed.reason
    assert not Case.objects.exists()


def test_the_command_receives_files_into_a_mailbox(mailbox, tmp_path):
    path = tmp_path / "one.eml"
    path.write_bytes(email())
    out = StringIO()
    call_command("receive_email", str(path), "--mailbox", "Support@Desk.example", stdout=out)
    case = Case.objects.get()
    assert f"added {case.reference}" in out.getvalue()
    assert case.queue == mailbox.queue


def test_replies_leave_from_the_mailbox_the_customer_wrote_to_with_its_signature(
    mailbox, sales, agent, smtp_inbox, jobs_run_now, django_capture_on_commit_callbacks
):
    sales.signature = "Maison Lumen — Service ventes\n+33 1 23 45 67 89"
    sales.save()
    case = receive(email(to="ventes@desk.example"), sales).case
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_customer(case, agent=agent, text="Nous regardons cela.", at=T0)
    mail = message_from_bytes(smtp_inbox.envelopes[-1].content)
    assert mail["From"] == "Sales <ventes@desk.example>"
    body = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert body.startswith("Nous regardons cela.\n")
    assert f"{case.reference}" in body
    assert body.endswith("\n\n-- \nMaison Lumen — Service ventes\n+33 1 23 45 67 89\n")
    # A reply to that email threads back into the same case.
    answer = email(to="ventes@desk.example", In_Reply_To=mail["Message-ID"])
    assert receive(answer, sales).case == case


@pytest.mark.parametrize(
    ("subject", "text", "language"),
    [
        ("Cafetière", "Bonjour, ma cafetière fuit par le dessous depuis hier.", "fr"),
        ("Lavatrice", "Buongiorno, la lavatrice perde acqua da ieri sera.", "it"),
        ("Kettle", "Hello, my kettle has been leaking since yesterday.", "en"),
        ("?", "ok", "en"),  # the words do not say: the desk's default
    ],
)
def test_a_new_customer_by_email_speaks_the_language_they_wrote_in(
    mailbox, subject, text, language
):
    case = receive(email(subject=subject, text=text), mailbox).case
    assert case.customer.preferred_language == language
    assert case.language == language
