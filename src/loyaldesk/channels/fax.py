"""Faxes: a document a fax-to-email gateway forwards, or one an agent scans in, becomes a
message on channel "fax" with the document attached.

A mailbox names its gateways' addresses; an email from one of them carrying a PDF or TIFF is
a fax from the number the gateway names in its subject (else its text). The email itself
stays kept as it came, like any other.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from loyaldesk.accounts.models import User
from loyaldesk.channels.mime import Attachment as EmailAttachment
from loyaldesk.channels.mime import ParsedEmail
from loyaldesk.channels.models import Mailbox
from loyaldesk.customers.identities import Channel, InvalidAddress, normalise_phone
from loyaldesk.customers.models import Customer
from loyaldesk.customers.selectors import find_customer
from loyaldesk.customers.services import create_customer, create_customer_for_number
from loyaldesk.desk.attachments import AttachmentRefused, check_upload, claim, store_upload
from loyaldesk.desk.filetypes import sniff
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Message, Queue
from loyaldesk.desk.services import add_customer_message, open_case

FAX_TYPES = frozenset({"application/pdf", "image/tiff"})
# Digits with the spaces, dots and dashes gateways write numbers with; at least 7 digits.
NUMBER = re.compile(r"\+?\d[\d .-]{5,}\d")


def is_from_gateway(parsed: ParsedEmail, mailbox: Mailbox | None) -> bool:
    """Whether the email comes from one of the mailbox's fax gateways."""
    return mailbox is not None and parsed.from_address in mailbox.fax_gateways


def fax_documents(parsed: ParsedEmail) -> list[EmailAttachment]:
    """The email's attachments that are fax documents, PDF or TIFF by their bytes."""
    return [
        attachment
        for attachment in parsed.attachments
        if sniff(io.BytesIO(attachment.content), attachment.filename or "", "") in FAX_TYPES
    ]


def sender_number(parsed: ParsedEmail) -> str:
    """The number the gateway names as the sender: the first in the subject, else in the
    text ('' when there is none)."""
    for text in (parsed.subject, parsed.text):
        for found in NUMBER.finditer(text):
            try:
                return normalise_phone(found.group())
            except InvalidAddress:
                continue
    return ""


def sender_of(number: str, at: datetime) -> Customer:
    """The customer a fax number identifies (as a fax or a phone), or a new one."""
    if not number:  # the gateway named no number: someone to identify by the document
        return create_customer(first_name="", last_name="", at=at)
    return (
        find_customer(Channel.FAX, number)
        or find_customer(Channel.PHONE, number)
        or create_customer_for_number(number, channel=Channel.FAX, at=at)
    )


@transaction.atomic
def receive_fax(parsed: ParsedEmail, *, queue: Queue, case: Case | None, at: datetime) -> Message:
    """The gateway's email as a fax message: on the case it names (when still open), else
    on a new case of the sender's; the caller keeps its files."""
    number = sender_number(parsed)
    details = {
        "text": parsed.text.strip() or _fax_received(number),
        "channel": Channel.FAX,
        "sender_address": number or parsed.from_address,
        "external_id": (parsed.message_id or "")[:255],
        "at": at,
    }
    if case is not None and case.status != Status.CLOSED:
        return add_customer_message(case, **details)
    customer = sender_of(number, at)
    with translation.override(customer.preferred_language):
        subject = parsed.subject or _fax_received(number)
    opened = open_case(customer=customer, subject=subject, queue=queue, **details)
    return opened.messages.get()


def _fax_received(number: str) -> str:
    if number:
        return _("Fax from %(number)s") % {"number": number}
    return _("Fax received")


@transaction.atomic
def add_fax_document(
    case: Case, document: UploadedFile, *, agent: User, note: str = "", at: datetime
) -> Message:
    """A fax the customer sent by other means (a fax machine, the post, scanned), put in by
    an agent: the customer's message on channel "fax" with the document attached."""
    content_type = check_upload(document)
    if content_type not in FAX_TYPES:
        raise AttachmentRefused(_("A fax is a PDF or TIFF document."))
    attachment = store_upload(document, uploaded_by=agent)
    with translation.override(case.language or settings.LANGUAGE_CODE):
        text = note.strip() or _("Fax received")
    message = add_customer_message(case, text=text, channel=Channel.FAX, at=at)
    claim([attachment], message)
    return message
