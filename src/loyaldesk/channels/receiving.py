"""Receiving email: its bytes kept before anything reads them, then read once into its case.

`keep_email` stores what a mailbox or a provider hands over (the same mailbox UID twice is
kept once); `read_email` turns a kept email into a message on the case it answers or on a
new case, or says why it made none (our own mail, a delivery report, an automatic reply, a
message already received, a mail storm). Reading twice changes nothing; an email that
cannot be read is marked so with the reason, its bytes still kept.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loyaldesk.channels.mime import ParsedEmail, parse_email
from loyaldesk.channels.models import (
    Delivery,
    DeliveryState,
    Mailbox,
    ReceivedEmail,
    ReceivedState,
)
from loyaldesk.channels.services import record_delivery_outcome
from loyaldesk.customers.identities import Channel
from loyaldesk.customers.models import Customer
from loyaldesk.customers.selectors import find_customer
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.attachments import keep_received_file
from loyaldesk.desk.html import sanitize_html
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Message
from loyaldesk.desk.services import add_customer_message, default_queue, link_cases, open_case

logger = logging.getLogger(__name__)
STORM_WINDOW = timedelta(hours=1)


def keep_email(
    raw: bytes,
    *,
    mailbox: Mailbox | None = None,
    uidvalidity: int | None = None,
    uid: int | None = None,
    at: datetime | None = None,
) -> ReceivedEmail:
    """Store an email's bytes as received; the same mailbox UID is kept once."""
    if uid is not None:
        kept = ReceivedEmail.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid)
        if kept.exists():
            return kept.get()
    received = ReceivedEmail(
        mailbox=mailbox,
        uidvalidity=uidvalidity,
        uid=uid,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        received_at=at or timezone.now(),
    )
    received.raw.save("email.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            received.save()
    except IntegrityError:  # another worker kept the same UID meanwhile
        received.raw.delete(save=False)
        return ReceivedEmail.objects.get(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid)
    return received


def read_email(received: ReceivedEmail) -> ReceivedEmail:
    """Read a kept email into a case once; on any error mark it failed, bytes kept."""
    try:
        try:
            return _read(received.pk)
        except IntegrityError:  # a copy of the same email was added meanwhile: a duplicate now
            return _read(received.pk)
    except Exception as error:  # the boundary: a bad email must not stop the others
        logger.exception("received email %s could not be read", received.pk)
        ReceivedEmail.objects.filter(pk=received.pk, state=ReceivedState.RECEIVED).update(
            state=ReceivedState.FAILED,
            reason=f"{type(error).__name__}: {error}"[:255],
            processed_at=timezone.now(),
        )
        return ReceivedEmail.objects.get(pk=received.pk)


def read_waiting_emails(mailbox: Mailbox | None = None) -> int:
    """Read the kept emails nobody read yet (of one mailbox, or all), oldest first; returns
    how many were read."""
    waiting = ReceivedEmail.objects.filter(state=ReceivedState.RECEIVED)
    if mailbox is not None:
        waiting = waiting.filter(mailbox=mailbox)
    count = 0
    for received in waiting.order_by("pk"):
        read_email(received)
        count += 1
    return count


@transaction.atomic
def _read(pk: int) -> ReceivedEmail:
    received = (
        ReceivedEmail.objects.select_for_update(of=("self",)).select_related("mailbox").get(pk=pk)
    )
    if received.state != ReceivedState.RECEIVED:
        return received
    with received.raw.open("rb") as handle:
        parsed = parse_email(handle.read())
    received.email_id = (parsed.message_id or "")[:255]
    received.sender = parsed.from_address[:254]
    received.processed_at = timezone.now()
    state, reason, message = _outcome(parsed, received)
    received.state, received.reason = state, reason[:255]
    if message is not None:
        received.message, received.case = message, message.case
    received.save()
    return received


def _outcome(
    parsed: ParsedEmail, received: ReceivedEmail
) -> tuple[ReceivedState, str, Message | None]:
    """What the email becomes, in the order that keeps loops and noise out of the desk."""
    if parsed.from_address in our_addresses():
        return ReceivedState.IGNORED, "sent from one of our own addresses", None
    if parsed.bounce:
        return ReceivedState.IGNORED, _record_bounce(parsed), None
    if parsed.auto_reply:
        return ReceivedState.IGNORED, "an automatic reply", None
    if not parsed.from_address:
        return ReceivedState.IGNORED, "no sender address", None
    if parsed.message_id:
        known = Message.objects.filter(channel=Channel.EMAIL, external_id=parsed.message_id)
        if known.exists():
            return ReceivedState.DUPLICATE, "this Message-ID was received before", known.get()
    if _storming(parsed.from_address, received.received_at):
        limit = settings.MAIL_STORM_LIMIT
        return ReceivedState.IGNORED, f"over {limit} emails from this sender in an hour", None
    return ReceivedState.ADDED, "", _add(parsed, received)


def our_addresses() -> set[str]:
    """The addresses the desk sends from: mail from them is never a customer's."""
    addresses = {address.lower() for address in Mailbox.objects.values_list("address", flat=True)}
    addresses.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower())
    return addresses


def _record_bounce(parsed: ParsedEmail) -> str:
    """Mark the delivery a report returns as bounced; say which it was."""
    returned = parsed.bounced_message_id
    delivery = (
        Delivery.objects.filter(Q(email_id=returned) | Q(message__external_id=returned))
        .select_related("message__case", "case", "customer")
        .first()
        if returned
        else None
    )
    if delivery is None:
        return f"a delivery report for a message we do not know ({returned or 'no Message-ID'})"
    delivery.state = DeliveryState.BOUNCED
    delivery.last_error = f"bounced: {parsed.subject}"[:2000]
    delivery.save(update_fields=["state", "last_error"])
    record_delivery_outcome(delivery, "delivery_failed", timezone.now())
    return f"a delivery report: delivery {delivery.pk} bounced"


def _storming(sender: str, at: datetime) -> bool:
    recent = ReceivedEmail.objects.filter(
        sender=sender, state=ReceivedState.ADDED, received_at__gte=at - STORM_WINDOW
    )
    return recent.count() >= settings.MAIL_STORM_LIMIT


def _add(parsed: ParsedEmail, received: ReceivedEmail) -> Message:
    """Add the email to the case it answers, or open a case for it."""
    case = answered_case(parsed)
    customer = case.customer if case is not None else _customer(parsed)
    details = {
        "text": parsed.text,
        "html": sanitize_html(parsed.html),
        "channel": Channel.EMAIL,
        "sender_address": parsed.from_address,
        "external_id": (parsed.message_id or "")[:255],
        "at": received.received_at,
    }
    if case is not None and case.status != Status.CLOSED:
        message = add_customer_message(case, **details)
    else:
        queue = received.mailbox.queue if received.mailbox else default_queue()
        subject = parsed.subject or parsed.text.strip().split("\n")[0][:80]
        opened = open_case(customer=customer, subject=subject, queue=queue, **details)
        if case is not None:  # the customer wrote back on a closed case: a new one, linked
            link_cases(opened, case)
        message = opened.messages.get(kind="inbound")
    for attachment in parsed.attachments:
        keep_received_file(
            message, attachment.filename, attachment.content_type, attachment.content
        )
    return message


def answered_case(parsed: ParsedEmail) -> Case | None:
    """The case an email answers: by the Message-IDs it replies to, then by the case
    reference in its subject; a merged case leads to the case it was merged into."""
    ids = [mid for mid in (parsed.in_reply_to, *reversed(parsed.references)) if mid]
    case = None
    if ids:
        found = Message.objects.filter(external_id__in=ids).select_related("case").first()
        case = found.case if found else None
        if case is None:
            delivery = Delivery.objects.filter(email_id__in=ids, case__isnull=False).first()
            case = delivery.case if delivery else None
    number = parsed.case_reference(settings.CASE_REFERENCE_PREFIX)
    if case is None and number is not None:
        case = Case.objects.filter(number=number).first()
    while case is not None and case.merged_into_id:
        case = case.merged_into
    return case


def _customer(parsed: ParsedEmail) -> Customer:
    found = find_customer(Channel.EMAIL, parsed.from_address)
    if found is not None:
        return found
    first, _, last = (parsed.from_name or parsed.from_address.partition("@")[0]).partition(" ")
    return create_customer(
        first_name=first[:100], last_name=last[:100], emails=[parsed.from_address]
    )
