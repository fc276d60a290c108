"""Operations of the customer portal and the public contact form; each records its events.

Customers sign in with a one-time link emailed to them; signed in, they open cases and reply.
Anonymous visitors write through the contact form. What a customer sends is kept as it came
(the form's fields as JSON, the message's raw source) beside the message it became.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from loyaldesk.channels.portal import conf, limits
from loyaldesk.channels.portal.models import SignInLink
from loyaldesk.channels.portal.selectors import current_record, record_ids
from loyaldesk.channels.portal.tokens import new_token, token_hash
from loyaldesk.channels.services import queue_email_to_address
from loyaldesk.customers.identities import Channel, normalise_address
from loyaldesk.customers.models import Customer, OwnedProduct
from loyaldesk.customers.selectors import find_customer
from loyaldesk.customers.services import create_customer
from loyaldesk.desk.attachments import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    AttachmentRefused,
    check_upload,
    keep_received_file,
)
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Case, Message, MessageKind, Queue
from loyaldesk.desk.services import add_customer_message, default_queue, open_case

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """Too many requests from this address or this client for now."""


class LinkNotUsable(Exception):
    """The sign-in link is unknown, used, expired, or its address left the customer."""


# Sign-in -------------------------------------------------------------------------------


def request_sign_in_link(address: str, *, client_ip: str, at: datetime | None = None) -> None:
    """Ask for a sign-in link to be emailed to the address if it is a customer's.

    The caller answers the same whether or not the address is known, and so does this: it
    only counts the request and leaves the lookup and the email to a job, so the answer does
    not take longer for a customer's address either. Raises InvalidAddress for something
    that is not an email address, RateLimited when the address or the client asked too often.
    """
    normalised = normalise_address(Channel.EMAIL, address)
    if not limits.allow(limits.SIGN_IN_PER_IP, client_ip):
        raise RateLimited("sign-in links: too many requests from this client")
    if not limits.allow(limits.SIGN_IN_PER_ADDRESS, normalised):
        raise RateLimited("sign-in links: too many requests for this address")
    # Imported here because the tasks module imports this one.
    from loyaldesk.channels.portal.tasks import send_sign_in_link_task

    send_sign_in_link_task(normalised, (at or timezone.now()).isoformat())


def send_sign_in_link(address: str, *, at: datetime | None = None) -> SignInLink | None:
    """Email a one-time sign-in link to the address when it is a customer's; None otherwise."""
    customer = find_customer(Channel.EMAIL, address)
    if customer is None:
        return None
    return _send_link(current_record(customer), address, at or timezone.now())


@transaction.atomic
def _send_link(customer: Customer, address: str, at: datetime) -> SignInLink:
    token = new_token()
    link = SignInLink.objects.create(
        customer=customer,
        address=address,
        token_hash=token_hash(token),
        created_at=at,
        expires_at=at + timedelta(minutes=conf.link_minutes()),
    )
    url = settings.PUBLIC_URL + reverse("portal:link", args=[token])
    context = {
        "customer": customer,
        "url": url,
        "minutes": conf.link_minutes(),
        "company_name": settings.COMPANY_NAME,
    }
    with translation.override(customer.preferred_language):
        subject = render_to_string("portal/email/sign_in_subject.txt", context)
        text = render_to_string("portal/email/sign_in.txt", context)
    delivery = queue_email_to_address(
        customer, address, subject=" ".join(subject.split()), text=text, at=at
    )
    record_event(
        "customer.portal_link_sent",
        customer=customer,
        by_customer=True,
        at=at,
        after={"address": address, "link": link.pk, "delivery": delivery.pk},
    )
    return link


@transaction.atomic
def use_sign_in_link(token: str, *, at: datetime | None = None) -> Customer:
    """Spend a sign-in link: once, before it expires, while its address is still the
    customer's. Returns the customer to sign in."""
    at = at or timezone.now()
    link = (
        SignInLink.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or not link.is_usable(at):
        raise LinkNotUsable("unknown, used or expired sign-in link")
    customer = current_record(link.customer)
    owner = find_customer(Channel.EMAIL, link.address)
    if owner is None or current_record(owner).pk != customer.pk:
        raise LinkNotUsable("the address no longer belongs to this customer")
    link.used_at = at
    link.save(update_fields=["used_at"])
    record_event(
        "customer.portal_signed_in",
        customer=customer,
        by_customer=True,
        at=at,
        after={"address": link.address, "link": link.pk},
    )
    return customer


# Writing in ----------------------------------------------------------------------------


def portal_queue() -> Queue:
    """The queue of portal and contact-form cases: LOYALDESK_PORTAL_QUEUE, else the default.

    Raises NoDefaultQueue when neither exists."""
    slug = conf.queue_slug()
    if slug:
        queue = Queue.objects.filter(slug=slug, is_active=True).first()
        if queue is not None:
            return queue
        logger.warning("LOYALDESK_PORTAL_QUEUE=%r names no active queue: default queue used", slug)
    return default_queue()


def _check_files(files: Sequence[UploadedFile]) -> None:
    """Refuse too many files, or one outside the attachment policy (size, type read from its
    bytes), before anything is written."""
    if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise AttachmentRefused(
            translation.gettext("At most %(count)d files per message.")
            % {"count": MAX_ATTACHMENTS_PER_MESSAGE}
        )
    for upload in files:
        check_upload(upload)


def _keep_files(message: Message, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        content = b"".join(upload.chunks())
        keep_received_file(message, upload.name, upload.content_type or "", content)


def _raw(form: str, fields: dict[str, object], files: Sequence[UploadedFile]) -> bytes:
    """What the customer sent, as it came: the form's fields and the names of its files."""
    kept = {"form": form, **fields, "files": [upload.name for upload in files]}
    return json.dumps(kept, ensure_ascii=False, indent=1, default=str).encode()


def _already_received(channel: str, key: str) -> Message | None:
    return Message.objects.filter(channel=channel, external_id=key).select_related("case").first()


def _once(channel: str, key: str, write) -> Message:
    """Run `write` unless the submission with this key was received already (a double post,
    a reload): the message it made is returned instead."""
    existing = _already_received(channel, key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:  # the same form posted twice at once: the other post won
        existing = _already_received(channel, key)
        if existing is None:
            raise
        return existing


@dataclass(frozen=True)
class NewCase:
    category: str
    subject: str
    description: str
    owned_product: OwnedProduct | None = None


def _product_line(unit: OwnedProduct) -> str:
    name = unit.product.name
    label = translation.gettext("Product")
    return f"{label}: {name} ({unit.serial_number})" if unit.serial_number else f"{label}: {name}"


def open_portal_case(
    customer: Customer,
    request: NewCase,
    *,
    files: Sequence[UploadedFile] = (),
    key: str,
    at: datetime | None = None,
) -> Case:
    """Open a case from the portal's form; `key` (the form's submission key) makes it once."""
    unit = request.owned_product
    if unit is not None and unit.customer_id not in record_ids(customer):
        raise ValueError("the product is not one the customer owns")
    _check_files(files)
    with translation.override(customer.preferred_language):
        product_line = _product_line(unit) if unit is not None else ""
    text = f"{product_line}\n\n{request.description}" if product_line else request.description
    fields = {
        "category": request.category,
        "subject": request.subject,
        "description": request.description,
        "owned_product": unit.pk if unit is not None else None,
    }

    def write() -> Message:
        case = open_case(
            customer=customer,
            subject=request.subject,
            text=text,
            channel=Channel.PORTAL,
            queue=portal_queue(),
            category=request.category,
            external_id=f"portal:{key}",
            raw_source=_raw("portal-new-case", fields, files),
            at=at,
        )
        message = case.messages.get(kind=MessageKind.INBOUND)
        _keep_files(message, files)
        return message

    return _once(Channel.PORTAL, f"portal:{key}", write).case


def reply_on_portal(
    customer: Customer,
    case: Case,
    text: str,
    *,
    files: Sequence[UploadedFile] = (),
    key: str,
    at: datetime | None = None,
) -> Message:
    """Add the customer's reply to their case (it wakes a pending case, reopens a resolved
    one); raises CaseIsClosed on a closed case."""
    if case.customer_id not in record_ids(customer):
        raise ValueError("not the customer's case")
    _check_files(files)

    def write() -> Message:
        message = add_customer_message(
            case,
            text=text,
            channel=Channel.PORTAL,
            external_id=f"portal:{key}",
            raw_source=_raw("portal-reply", {"case": case.number, "text": text}, files),
            at=at,
        )
        _keep_files(message, files)
        return message

    return _once(Channel.PORTAL, f"portal:{key}", write)


# The public contact form ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactRequest:
    name: str
    email: str
    subject: str
    message: str
    language: str


def _customer_for(request: ContactRequest) -> Customer:
    found = find_customer(Channel.EMAIL, request.email)
    if found is not None:
        return current_record(found)
    first, _, last = request.name.strip().partition(" ")
    return create_customer(
        first_name=first[:100],
        last_name=last.strip()[:100],
        preferred_language=request.language,
        emails=[request.email],
    )


def receive_contact_form(
    request: ContactRequest,
    *,
    files: Sequence[UploadedFile] = (),
    key: str,
    client_ip: str,
    trap: str = "",
    at: datetime | None = None,
) -> Case | None:
    """Open a case from the public contact form for the customer of that email address (a
    new customer when nobody has it).

    A filled honeypot field (`trap`) means a robot: it is logged and nothing is opened (None),
    while the robot is answered as if it worked. Raises RateLimited when the client or the
    address sent too many forms.
    """
    if trap:
        logger.warning("contact form: honeypot filled from %s, nothing opened", client_ip)
        return None
    address = normalise_address(Channel.EMAIL, request.email)
    if not limits.allow(limits.CONTACT_PER_IP, client_ip):
        raise RateLimited("contact form: too many requests from this client")
    if not limits.allow(limits.CONTACT_PER_ADDRESS, address):
        raise RateLimited("contact form: too many requests for this address")
    _check_files(files)
    fields = {
        "name": request.name,
        "email": request.email,
        "subject": request.subject,
        "message": request.message,
        "language": request.language,
    }

    def write() -> Message:
        case = open_case(
            customer=_customer_for(request),
            subject=request.subject,
            text=request.message,
            channel=Channel.WEB_FORM,
            queue=portal_queue(),
            sender_address=address,
            external_id=f"form:{key}",
            raw_source=_raw("contact", fields, files),
            at=at,
        )
        message = case.messages.get(kind=MessageKind.INBOUND)
        _keep_files(message, files)
        return message

    return _once(Channel.WEB_FORM, f"form:{key}", write).case
