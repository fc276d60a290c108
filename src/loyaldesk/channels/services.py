"""The outbox: every message to a customer is queued here and leaves through a job."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid
from django.db import transaction
from django.utils import timezone

from loyaldesk.channels.models import Delivery, DeliveryState
from loyaldesk.channels.threading import domain_of, references_header, reply_subject
from loyaldesk.customers.models import Identity
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Message, MessageKind

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LOST_JOB_GRACE = timedelta(minutes=5)
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
    if last_inbound:
        return last_inbound
    identity = (
        Identity.objects.filter(customer_id=message.case.customer_id, channel="email")
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


def queue_email(message: Message) -> Delivery:
    """Put an outbound message in the outbox and send it once the transaction commits."""
    case = message.case
    sender = settings.DEFAULT_FROM_EMAIL
    thread = _thread_ids(message)
    message.external_id = make_msgid(domain=domain_of(sender))
    message.save(update_fields=["external_id"])
    to_address = customer_address(message)
    delivery = Delivery.objects.create(
        message=message,
        to_address=to_address,
        from_address=sender,
        subject=reply_subject(case.subject, case.reference),
        in_reply_to=thread[-1] if thread else "",
        references=references_header(thread),
        created_at=message.created_at,
        state=DeliveryState.QUEUED if to_address else DeliveryState.FAILED,
        last_error="" if to_address else NO_ADDRESS,
        # The periodic retry picks it up should the immediate job be lost.
        next_attempt_at=timezone.now() + LOST_JOB_GRACE if to_address else None,
    )
    if to_address:
        # Imported here because the tasks module imports this one.
        from loyaldesk.channels.tasks import deliver_email_task

        transaction.on_commit(lambda: deliver_email_task(delivery.pk))
    else:
        _record(delivery, "message.delivery_failed", timezone.now())
    return delivery


def _email(delivery: Delivery) -> EmailMessage:
    message = delivery.message
    headers = {"Message-ID": message.external_id}
    if delivery.in_reply_to:
        headers["In-Reply-To"] = delivery.in_reply_to
    if delivery.references:
        headers["References"] = delivery.references
    email = EmailMessage(
        subject=delivery.subject,
        body=message.text,
        from_email=delivery.from_address,
        to=[delivery.to_address],
        headers=headers,
    )
    for attachment in message.attachments.order_by("pk"):
        with attachment.file.open("rb") as content:
            email.attach(attachment.filename, content.read(), attachment.content_type)
    return email


def is_permanent(error: Exception) -> bool:
    """A 5xx answer will not change on retry; anything else (4xx, network) may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _record(delivery: Delivery, kind: str, at: datetime) -> None:
    record_event(
        kind,
        case=delivery.message.case,
        at=at,
        after={
            "message": delivery.message_id,
            "state": delivery.state,
            "attempts": delivery.attempts,
            "error": delivery.last_error,
        },
    )


@transaction.atomic
def attempt_delivery(delivery_id: int, now: datetime | None = None) -> Delivery:
    """Try to send one queued message; on failure retry later, or give up with the reason."""
    delivery = (
        Delivery.objects.select_for_update()
        .select_related("message__case__customer")
        .get(pk=delivery_id)
    )
    if delivery.state != DeliveryState.QUEUED:
        return delivery
    now = now or timezone.now()
    delivery.attempts += 1
    try:
        _email(delivery).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if is_permanent(error) or delivery.attempts >= MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            kind = "message.delivery_failed"
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            kind = "message.delivery_deferred"
    else:
        delivery.state, delivery.sent_at, delivery.next_attempt_at = DeliveryState.SENT, now, None
        delivery.last_error = ""
        kind = "message.sent"
    delivery.save()
    _record(delivery, kind, now)
    return delivery


def due_deliveries(now: datetime | None = None) -> list[int]:
    """Queued deliveries whose retry time has come."""
    return list(
        Delivery.objects.filter(
            state=DeliveryState.QUEUED, next_attempt_at__lte=now or timezone.now()
        ).values_list("pk", flat=True)
    )
