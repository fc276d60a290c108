"""Normalising channel addresses so one person matches one identity (no Django import)."""

from __future__ import annotations

import re
from enum import StrEnum

import phonenumbers


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


def normalise_address(channel: Channel | str, address: str, region: str = "") -> str:
    """The canonical form of an address on a channel, used as the matching key; `region` is the
    country (ISO 3166) a phone number written in national form is dialled in."""
    channel = Channel(channel)
    cleaned = address.strip()
    if channel is Channel.EMAIL:
        cleaned = cleaned.lower()
        if not EMAIL_SHAPE.match(cleaned):
            raise InvalidAddress(f"not an email address: {address!r}")
        return cleaned
    if channel in PHONE_CHANNELS:
        return normalise_phone(address, region)
    if not cleaned:
        raise InvalidAddress(f"empty {channel} address")
    return cleaned


def normalise_phone(number: str, region: str = "") -> str:
    """The number in international form, + and digits (E.164); 00 prefixes become +.

    A number in national form ("06 12 34 56 78") becomes international in `region`, the
    country (ISO 3166) it is dialled in. One that cannot be placed (no region, or not a
    possible number there) stays as its digits.
    """
    digits = NON_DIGITS.sub("", number)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if "+" in digits[1:] or len(digits.lstrip("+")) < 6:
        raise InvalidAddress(f"not a phone number: {number!r}")
    if not (digits.startswith("+") or region):
        return digits
    try:
        parsed = phonenumbers.parse(digits, region.upper() or None)
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(parsed):
        return digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
