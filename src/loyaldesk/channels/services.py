"""The outbox: every message to a customer is queued here and leaves through a job."""

from __future__ import annotations

import os
import smtplib
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, make_msgid
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from loyaldesk.channels.models import (
    Delivery,
    DeliveryState,
    Mailbox,
    ReceivedEmail,
    SmtpSecurity,
)
from loyaldesk.channels.threading import domain_of, references_header, reply_subject
from loyaldesk.customers.models import Customer, Identity
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Case, Message, MessageKind

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LOST_JOB_GRACE = timedelta(minutes=5)
SMTP_TIMEOUT_SECONDS = 30
NO_ADDRESS = "the customer has no email address"


def retry_delay(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8, 16 minutes between attempts: a server back within half an hour gets
    the message."""
    return FIRST_RETRY * 2 ** max(attempts - 1, 0)


def customer_address(message: Message) -> str:
    """Where a reply goes: the address the customer last wrote from, else their first email."""
    last_inbound = (
        message.case.messages.filter(kind=MessageKind.INBOUND, channel="email")
        .exclude(sender_address="")
        .order_by("-created_at", "-id")
        .values_list("sender_address", flat=True)
        .first()
    )
    return last_inbound or first_email_address(message.case.customer_id)


def first_email_address(customer_id: int) -> str:
    """The customer's first recorded email address, or "" when they have none."""
    identity = (
        Identity.objects.filter(customer_id=customer_id, channel="email")
        .order_by("id")
        .values_list("address", flat=True)
        .first()
    )
    return identity or ""


def _thread_ids(message: Message) -> list[str]:
    return list(
        message.case.messages.filter(channel="email")
        .exclude(external_id="")
        .exclude(pk=message.pk)
        .order_by("created_at", "id")
        .values_list("external_id", flat=True)
    )


def mailbox_of(case: Case) -> Mailbox | None:
    """The mailbox the customer last wrote to about this case, if they wrote by email."""
    received = (
        ReceivedEmail.objects.filter(case=case, mailbox__isnull=False)
        .select_related("mailbox")
        .order_by("-received_at", "-pk")
        .first()
    )
    return received.mailbox if received else None


def sender_for(case: Case) -> str:
    """Replies leave from the mailbox the customer wrote to, else from the desk's address."""
    mailbox = mailbox_of(case)
    return formataddr((mailbox.name, mailbox.address)) if mailbox else settings.DEFAULT_FROM_EMAIL


def signature_of(sender: str) -> str:
    """The signature of the mailbox a reply leaves from ('' when it has none)."""
    address = parseaddr(sender)[1]
    mailbox = Mailbox.objects.filter(address__iexact=address).only("signature").first()
    return mailbox.signature.strip() if mailbox else ""


def queue_email(message: Message) -> Delivery:
    """Put an outbound message in the outbox and send it once the transaction commits."""
    case = message.case
    sender = sender_for(case)
    thread = _thread_ids(message)
    message.external_id = make_msgid(domain=domain_of(sender))
    message.save(update_fields=["external_id"])
    to_address = customer_address(message)
    return _queue(
        Delivery(
            message=message,
            to_address=to_address,
            from_address=sender,
            subject=reply_subject(case.subject, case.reference),
            in_reply_to=thread[-1] if thread else "",
            references=references_header(thread),
            created_at=message.created_at,
        )
    )


def queue_customer_email(
    customer: Customer,
    *,
    subject: str,
    text: str,
    html: str = "",
    case: Case | None = None,
    at: datetime | None = None,
) -> Delivery:
    """Put an email of its own (not a reply in a thread) to the customer in the outbox."""
    sender = settings.DEFAULT_FROM_EMAIL
    return _queue(
        Delivery(
            customer=customer,
            case=case,
            to_address=first_email_address(customer.pk),
            from_address=sender,
            subject=subject,
            text=text,
            html=html,
            email_id=make_msgid(domain=domain_of(sender)),
            created_at=at or timezone.now(),
        )
    )


def queue_email_to_address(
    customer: Customer,
    address: str,
    *,
    subject: str,
    text: str,
    at: datetime | None = None,
) -> Delivery:
    """Put an email of its own to one given address of the customer in the outbox: a portal
    sign-in link goes to the address it was asked for, not to the customer's first one."""
    sender = settings.DEFAULT_FROM_EMAIL
    return _queue(
        Delivery(
            customer=customer,
            to_address=address,
            from_address=sender,
            subject=subject,
            text=text,
            email_id=make_msgid(domain=domain_of(sender)),
            created_at=at or timezone.now(),
        )
    )


def _queue(delivery: Delivery) -> Delivery:
    """Save a new delivery, queued with its job, or failed at once when it has no address."""
    if delivery.to_address:
        delivery.state = DeliveryState.QUEUED
        # The periodic retry picks it up should the immediate job be lost.
        delivery.next_attempt_at = timezone.now() + LOST_JOB_GRACE
    else:
        delivery.state, delivery.last_error = DeliveryState.FAILED, NO_ADDRESS
    delivery.save()
    if delivery.to_address:
        # Imported here because the tasks module imports this one.
        from loyaldesk.channels.tasks import deliver_email_task

        transaction.on_commit(lambda: deliver_email_task(delivery.pk))
    else:
        record_delivery_outcome(delivery, "delivery_failed", timezone.now())
    return delivery


def _email(delivery: Delivery) -> EmailMessage:
    message = delivery.message
    if message is None:
        return _own_email(delivery)
    headers = {"Message-ID": message.external_id}
    if delivery.in_reply_to:
        headers["In-Reply-To"] = delivery.in_reply_to
    if delivery.references:
        headers["References"] = delivery.references
    email = EmailMessage(
        subject=delivery.subject,
        body=reply_body(message, signature_of(delivery.from_address)),
        from_email=delivery.from_address,
        to=[delivery.to_address],
        headers=headers,
    )
    for attachment in message.attachments.order_by("pk"):
        with attachment.file.open("rb") as content:
            email.attach(attachment.filename, content.read(), attachment.content_type)
    return email


def reply_body(message: Message, signature: str) -> str:
    """A reply's text as the customer receives it: in their language, with the case reference
    and the mailbox's signature."""
    with translation.override(message.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "channels/email/reply.txt",
            {"text": message.text, "reference": message.case.reference, "signature": signature},
        )
    return body.rstrip() + "\n"


def smtp_connection_for(sender: str) -> BaseEmailBackend | None:
    """The SMTP server of the mailbox a mail leaves from, when it has its own (else None:
    the desk's SMTP settings)."""
    address = parseaddr(sender)[1]
    mailbox = Mailbox.objects.filter(address__iexact=address).exclude(smtp_host="").first()
    if mailbox is None:
        return None
    password = ""
    if mailbox.smtp_secret_env:
        password = os.environ.get(mailbox.smtp_secret_env, "")
        if not password:
            raise smtplib.SMTPException(f"{mailbox}: {mailbox.smtp_secret_env} is not set")
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_user,
        password=password,
        use_tls=mailbox.smtp_security == SmtpSecurity.STARTTLS,
        use_ssl=mailbox.smtp_security == SmtpSecurity.TLS,
        timeout=settings.EMAIL_TIMEOUT or SMTP_TIMEOUT_SECONDS,
        fail_silently=False,
    )


def _own_email(delivery: Delivery) -> EmailMessage:
    email = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text,
        from_email=delivery.from_address,
        to=[delivery.to_address],
        headers={"Message-ID": delivery.email_id},
    )
    if delivery.html:
        email.attach_alternative(delivery.html, "text/html")
    return email


def is_permanent(error: Exception) -> bool:
    """A 5xx answer will not change on retry; anything else (4xx, network) may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def record_delivery_outcome(delivery: Delivery, outcome: str, at: datetime) -> None:
    """One event per attempt's outcome: "message.sent" for a reply, "email.sent" for an email
    of its own, and so on."""
    message = delivery.message
    record_event(
        f"{'message' if message else 'email'}.{outcome}",
        case=message.case if message else delivery.case,
        customer=None if message else delivery.customer,
        at=at,
        after={
            "message": delivery.message_id,
            "delivery": delivery.pk,
            "subject": delivery.subject,
            "state": delivery.state,
            "attempts": delivery.attempts,
            "error": delivery.last_error,
        },
    )


@transaction.atomic
def attempt_delivery(delivery_id: int, now: datetime | None = None) -> Delivery:
    """Try to send one queued message; on failure retry later, or give up with the reason."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message__case__customer", "case", "customer")
        .get(pk=delivery_id)
    )
    if delivery.state != DeliveryState.QUEUED:
        return delivery
    now = now or timezone.now()
    delivery.attempts += 1
    try:
        email = _email(delivery)
        email.connection = smtp_connection_for(delivery.from_address)
        email.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if is_permanent(error) or delivery.attempts >= MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            outcome = "delivery_failed"
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            outcome = "delivery_deferred"
    else:
        delivery.state, delivery.sent_at, delivery.next_attempt_at = DeliveryState.SENT, now, None
        delivery.last_error = ""
        outcome = "sent"
    delivery.save()
    record_delivery_outcome(delivery, outcome, now)
    return delivery


def due_deliveries(now: datetime | None = None) -> list[int]:
    """Queued deliveries whose retry time has come."""
    return list(
        Delivery.objects.filter(
            state=DeliveryState.QUEUED, next_attempt_at__lte=now or timezone.now()
        ).values_list("pk", flat=True)
    )
