"""Normalising channel addresses so one person matches one identity (no Django import)."""

from __future__ import annotations

import re
from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    FAX = "fax"
    PORTAL = "portal"
    CHAT = "chat"
    WEB_FORM = "web_form"
    API = "api"


NON_DIGITS = re.compile(r"[^\d+]")
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_CHANNELS = frozenset({Channel.PHONE, Channel.FAX})


class InvalidAddress(ValueError):
    """An address that cannot be an identity on its channel."""


def normalise_address(channel: Channel | str, address: str) -> str:
    """The canonical form of an address on a channel, used as the matching key."""
    channel = Channel(channel)
    cleaned = address.strip()
    if channel is Channel.EMAIL:
        cleaned = cleaned.lower()
        if not EMAIL_SHAPE.match(cleaned):
            raise InvalidAddress(f"not an email address: {address!r}")
        return cleaned
    if channel in PHONE_CHANNELS:
        return normalise_phone(address)
    if not cleaned:
        raise InvalidAddress(f"empty {channel} address")
    return cleaned


def normalise_phone(number: str) -> str:
    """Digits with a leading + for international numbers; 00 prefixes become +."""
    digits = NON_DIGITS.sub("", number)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if "+" in digits[1:] or len(digits.lstrip("+")) < 6:
        raise InvalidAddress(f"not a phone number: {number!r}")
    return digits
