"""Email that a provider posts to the desk (django-anymail's inbound webhooks), an alternative
to fetching a mailbox over IMAP.

Anymail checks the webhook's secret and hands over the message; here its bytes are kept as a
received email before anything reads them (the provider's own raw MIME where its payload has
it), for the mailbox it was sent to, then read into its case exactly as a fetched email is.
A provider that posts the same email again (a retry after a timeout) changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest

from loyaldesk.channels.models import Mailbox, ReceivedEmail
from loyaldesk.channels.receiving import keep_email, read_email

logger = logging.getLogger(__name__)

# Where each provider's payload carries the email as it arrived, when it is configured to.
RAW_FORM_FIELDS = {"Mailgun": "body-mime", "SendGrid": "email"}
RAW_JSON_FIELDS = {"Postmark": ("RawEmail",)}


@receiver(inbound, dispatch_uid="loyaldesk.channels.inbound")
def receive_posted_email(
    sender: type, event: AnymailInboundEvent, esp_name: str, **kwargs: Any
) -> None:
    """Anymail's inbound signal: keep, then read, the email a provider posted."""
    received = receive_email(event, esp_name)
    logger.info("%s posted email %s: %s", esp_name, received.pk, received.state)


def receive_email(event: AnymailInboundEvent, esp_name: str) -> ReceivedEmail:
    """Keep a posted email's bytes for the mailbox it was sent to, then read it once; the
    same bytes posted again for the same mailbox are the email already kept."""
    raw = raw_mime(event, esp_name)
    mailbox = mailbox_for(event.message)
    kept = _kept_before(raw, mailbox)
    received = kept or keep_email(raw, mailbox=mailbox, at=event.timestamp)
    return read_email(received)


def raw_mime(event: AnymailInboundEvent, esp_name: str) -> bytes:
    """The email as the provider received it when its payload carries the raw MIME, else
    as anymail rebuilt it from the parsed fields."""
    raw = _provider_raw(event.esp_event, esp_name)
    return raw if raw else event.message.as_bytes()


def _provider_raw(esp_event: Any, esp_name: str) -> bytes | None:
    if isinstance(esp_event, HttpRequest) and esp_name in RAW_FORM_FIELDS:
        value = esp_event.POST.get(RAW_FORM_FIELDS[esp_name])
        return value.encode("utf-8") if value else None
    if isinstance(esp_event, Mapping) and esp_name in RAW_JSON_FIELDS:
        value: Any = esp_event
        for key in RAW_JSON_FIELDS[esp_name]:
            value = value.get(key) if isinstance(value, Mapping) else None
        return value.encode("utf-8") if isinstance(value, str) and value else None
    if isinstance(esp_event, Mapping) and esp_name == "Postal" and esp_event.get("message"):
        if esp_event.get("base64") is not True:
            return str(esp_event["message"]).encode("utf-8")
        try:
            return base64.b64decode(esp_event["message"], validate=True)
        except (binascii.Error, TypeError, ValueError):
            return None
    return None


def mailbox_for(message: AnymailInboundMessage) -> Mailbox | None:
    """The mailbox the email was sent to: the envelope recipient, else the first of To, Cc
    and Delivered-To that is one of ours; None (the default queue) when none is."""
    wanted = [address.lower() for address in _recipients(message) if address]
    if not wanted:
        return None
    matching = Q()
    for address in wanted:
        matching |= Q(address__iexact=address)
    ours = {mailbox.address.lower(): mailbox for mailbox in Mailbox.objects.filter(matching)}
    return next((ours[address] for address in wanted if address in ours), None)


def _recipients(message: AnymailInboundMessage) -> Iterator[str]:
    if message.envelope_recipient:
        yield message.envelope_recipient.strip()
    for address in [*message.to, *message.cc]:
        yield address.addr_spec
    for value in message.get_all("Delivered-To") or []:
        yield str(value).strip()


def _kept_before(raw: bytes, mailbox: Mailbox | None) -> ReceivedEmail | None:
    """The same bytes posted before for this mailbox (a provider's retry), if any."""
    kept = ReceivedEmail.objects.filter(
        sha256=hashlib.sha256(raw).hexdigest(), mailbox=mailbox, uid__isnull=True
    )
    return kept.order_by("pk").first()
