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
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from loyaldesk.channels.fax import fax_documents, is_from_gateway, receive_fax
from loyaldesk.channels.mime import ParsedEmail, parse_email
from loyaldesk.channels.models import (
    Delivery,
    DeliveryState,
    Mailbox,
    ReceivedEmail,
    ReceivedState,
)
from loyaldesk.channels.quoting import fold
from loyaldesk.channels.services import record_delivery_outcome
from loyaldesk.customers.identities import Channel, InvalidAddress, normalise_address
from loyaldesk.customers.languages import guess_language
from loyaldesk.customers.models import Customer, Identity
from loyaldesk.customers.services import NewCustomer, create_customers
from loyaldesk.desk.attachments import keep_received_file
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Message
from loyaldesk.desk.services import (
    CaseDraft,
    add_customer_message,
    default_queue,
    link_cases,
    open_cases,
)
from loyaldesk.service_levels.services import measured_together

logger = logging.getLogger(__name__)
STORM_WINDOW = timedelta(hours=1)
BATCH_SIZE = 250


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
    read_emails([received.pk])
    return ReceivedEmail.objects.get(pk=received.pk)


def read_emails(pks: Sequence[int]) -> None:
    """Read kept emails together, in one transaction; should that fail, read each alone, so a
    bad email stops no other (it is marked failed with the reason, its bytes kept)."""
    if len(pks) > 1:
        try:
            _read_batch(pks)
            return
        except Exception:
            logger.warning("reading %d emails together failed: one by one now", len(pks))
    for pk in pks:
        _read_alone(pk)


def read_waiting_emails(mailbox: Mailbox | None = None) -> int:
    """Read the kept emails nobody read yet (of one mailbox, or all), oldest first; returns
    how many were read."""
    waiting = ReceivedEmail.objects.filter(state=ReceivedState.RECEIVED)
    if mailbox is not None:
        waiting = waiting.filter(mailbox=mailbox)
    pks = list(waiting.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH_SIZE):
        read_emails(pks[start : start + BATCH_SIZE])
    return len(pks)


def _read_alone(pk: int) -> None:
    try:
        try:
            _read_batch([pk])
        except IntegrityError:  # a copy of the same email was added meanwhile: a duplicate now
            _read_batch([pk])
    except Exception as error:  # the boundary: a bad email must not stop the others
        logger.exception("received email %s could not be read", pk)
        ReceivedEmail.objects.filter(pk=pk, state=ReceivedState.RECEIVED).update(
            state=ReceivedState.FAILED,
            reason=f"{type(error).__name__}: {error}"[:255],
            processed_at=timezone.now(),
        )


@transaction.atomic
def _read_batch(pks: Sequence[int]) -> None:
    waiting = list(
        ReceivedEmail.objects.select_for_update(of=("self",))
        .select_related("mailbox__queue")
        .filter(pk__in=pks, state=ReceivedState.RECEIVED)
        .order_by("pk")
    )
    if not waiting:
        return
    emails = []
    for received in waiting:
        with received.raw.open("rb") as handle:
            parsed = parse_email(handle.read())
        received.email_id = (parsed.message_id or "")[:255]
        received.sender = parsed.from_address[:254]
        received.processed_at = timezone.now()
        emails.append((received, parsed))
    earliest = min(received.received_at for received, _ in emails)
    reader = _BatchReader([parsed for _, parsed in emails], earliest)
    with measured_together():  # a case several emails of the batch answer is measured once
        for received, parsed in emails:
            reader.read(received, parsed)
        reader.open_pending()
    for received in waiting:  # bulk_update's CASE expressions cost more than row updates
        received.save(update_fields=READ_FIELDS)


class _BatchReader:
    """Reads the emails of one batch in order, looking up what they refer to once for all
    of them; the new cases they open are written together at the end."""

    def __init__(self, emails: list[ParsedEmail], earliest: datetime) -> None:
        self.ours = our_addresses()
        self.threads = _Threads(emails)
        ids = [(parsed.message_id or "")[:255] for parsed in emails if parsed.message_id]
        self.known = {
            message.external_id: message
            for message in Message.objects.filter(
                channel__in=[Channel.EMAIL, Channel.FAX], external_id__in=ids
            )
        }
        self.customers = _customers_of({parsed.from_address for parsed in emails})
        self.storms = _recent_counts(emails, since=earliest - STORM_WINDOW)
        self.pending: list[tuple[ReceivedEmail, ParsedEmail, Case | None]] = []

    def read(self, received: ReceivedEmail, parsed: ParsedEmail) -> None:
        """Decide what the email becomes, in the order that keeps loops and noise out."""
        if self._refers_to_pending(parsed):
            self.open_pending()
        email_id = (parsed.message_id or "")[:255]
        state, reason = ReceivedState.ADDED, ""
        if parsed.from_address in self.ours:
            state, reason = ReceivedState.IGNORED, "sent from one of our own addresses"
        elif parsed.bounce:
            state, reason = ReceivedState.IGNORED, _record_bounce(parsed)
        elif parsed.auto_reply:
            state, reason = ReceivedState.IGNORED, "an automatic reply"
        elif not parsed.from_address:
            state, reason = ReceivedState.IGNORED, "no sender address"
        elif email_id and email_id in self.known:
            state, reason = ReceivedState.DUPLICATE, "this Message-ID was received before"
            received.message = self.known[email_id]
            received.case_id = received.message.case_id
        elif is_from_gateway(parsed, received.mailbox):
            state, reason = self._add_fax(received, parsed)
        elif self.storms[parsed.from_address] >= settings.MAIL_STORM_LIMIT:
            limit = settings.MAIL_STORM_LIMIT
            state, reason = (
                ReceivedState.IGNORED,
                f"over {limit} emails from this sender in an hour",
            )
        else:
            self.storms[parsed.from_address] += 1
            self._add(received, parsed)
        received.state, received.reason = state, reason[:255]

    def _add_fax(self, received: ReceivedEmail, parsed: ParsedEmail) -> tuple[str, str]:
        if not fax_documents(parsed):
            return ReceivedState.IGNORED, "from a fax gateway, with no fax document"
        message = receive_fax(
            parsed,
            queue=received.mailbox.queue,
            case=self.threads.answered_case(parsed),
            at=received.received_at,
        )
        _keep_files(message, parsed)
        received.message, received.case = message, message.case
        self._remember(message, message.case)
        return ReceivedState.ADDED, ""

    def _refers_to_pending(self, parsed: ParsedEmail) -> bool:
        pending = {other.message_id for _, other, _ in self.pending if other.message_id}
        return bool(pending & {parsed.message_id, parsed.in_reply_to, *parsed.references})

    def _add(self, received: ReceivedEmail, parsed: ParsedEmail) -> None:
        case = self.threads.answered_case(parsed)
        if case is not None and case.status != Status.CLOSED:
            message = add_customer_message(case, **_details(parsed, received))
            _keep_files(message, parsed)
            received.message, received.case = message, case
            self._remember(message, case)
        else:  # a new case; for a closed one the customer wrote back on, linked to it
            self.pending.append((received, parsed, case))

    def open_pending(self) -> None:
        """Open the cases of the emails waiting for one, together."""
        self._create_customers()
        drafts = []
        for received, parsed, answered in self.pending:
            customer = answered.customer if answered else self.customers[parsed.from_address]
            queue = received.mailbox.queue if received.mailbox else default_queue()
            subject = parsed.subject or parsed.text.strip().split("\n")[0][:80]
            drafts.append(
                CaseDraft(
                    customer=customer, subject=subject, queue=queue, **_details(parsed, received)
                )
            )
        for message, (received, parsed, answered) in zip(
            open_cases(drafts), self.pending, strict=True
        ):
            if answered is not None:
                link_cases(message.case, answered)
            _keep_files(message, parsed)
            received.message, received.case = message, message.case
            self._remember(message, message.case)
        self.pending = []

    def _remember(self, message: Message, case: Case) -> None:
        """Later emails of the batch may repeat or answer this one."""
        if message.external_id:
            self.known[message.external_id] = message
            self.threads.by_id[message.external_id] = case

    def _create_customers(self) -> None:
        """Make customers of the senders nobody knows yet, together."""
        unknown = {
            parsed.from_address: _new_customer(parsed)
            for _, parsed, answered in self.pending
            if answered is None and parsed.from_address not in self.customers
        }
        if unknown:
            created = create_customers(list(unknown.values()), at=timezone.now())
            self.customers.update(zip(unknown, created, strict=True))


READ_FIELDS = ["email_id", "sender", "processed_at", "state", "reason", "message", "case"]


def _details(parsed: ParsedEmail, received: ReceivedEmail) -> dict:
    return {
        "text": parsed.text,
        "html": parsed.html,
        "channel": Channel.EMAIL,
        "sender_address": parsed.from_address,
        "external_id": (parsed.message_id or "")[:255],
        "at": received.received_at,
    }


def _keep_files(message: Message, parsed: ParsedEmail) -> None:
    for attachment in parsed.attachments:
        keep_received_file(
            message, attachment.filename, attachment.content_type, attachment.content
        )


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


def _recent_counts(emails: list[ParsedEmail], since: datetime) -> Counter[str]:
    """How many emails each sender had added to the desk since the storm window before the
    batch's first one; the batch then counts its own."""
    counts = (
        ReceivedEmail.objects.filter(
            sender__in={parsed.from_address for parsed in emails},
            state=ReceivedState.ADDED,
            received_at__gte=since,
        )
        .values("sender")
        .annotate(added=Count("pk"))
    )
    return Counter({row["sender"]: row["added"] for row in counts})


class _Threads:
    """The cases a batch of emails may answer, read once: by the Message-IDs they reply to,
    then by the case reference in their subjects."""

    def __init__(self, emails: list[ParsedEmail]) -> None:
        ids = {mid for parsed in emails for mid in (parsed.in_reply_to, *parsed.references) if mid}
        self.by_id: dict[str, Case] = {}
        for delivery in Delivery.objects.filter(
            email_id__in=ids, case__isnull=False
        ).select_related("case"):
            self.by_id[delivery.email_id] = delivery.case
        for message in Message.objects.filter(external_id__in=ids).select_related("case"):
            self.by_id[message.external_id] = message.case
        prefix = settings.CASE_REFERENCE_PREFIX
        numbers = {parsed.case_reference(prefix) for parsed in emails} - {None}
        self.by_number = {case.number: case for case in Case.objects.filter(number__in=numbers)}

    def answered_case(self, parsed: ParsedEmail) -> Case | None:
        """The case the email answers; a merged case leads to the case it was merged into."""
        ids = [mid for mid in (parsed.in_reply_to, *reversed(parsed.references)) if mid]
        case = next((self.by_id[mid] for mid in ids if mid in self.by_id), None)
        if case is None:
            case = self.by_number.get(parsed.case_reference(settings.CASE_REFERENCE_PREFIX))
        while case is not None and case.merged_into_id:
            case = case.merged_into
        return case


def _customers_of(addresses: set[str]) -> dict[str, Customer]:
    """The customers these email addresses identify, by address as written."""
    normal = {}
    for address in addresses:
        try:
            normal[normalise_address(Channel.EMAIL, address)] = address
        except InvalidAddress:
            continue
    identities = Identity.objects.filter(channel=Channel.EMAIL, address__in=normal.keys())
    return {
        normal[identity.address]: identity.customer
        for identity in identities.select_related("customer")
    }


def _new_customer(parsed: ParsedEmail) -> NewCustomer:
    """Someone new, named as their email names them, in the language they wrote in (the
    desk's default when their words do not say)."""
    first, _, last = (parsed.from_name or parsed.from_address.partition("@")[0]).partition(" ")
    written = f"{parsed.subject}\n{fold(parsed.text).new}"
    return NewCustomer(
        first_name=first,
        last_name=last,
        emails=(parsed.from_address,),
        preferred_language=guess_language(written) or settings.LANGUAGE_CODE,
    )
