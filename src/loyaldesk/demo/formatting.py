"""Dates and amounts written the way customers in each language write them."""

from __future__ import annotations

from datetime import UTC, datetime

THIN_SPACE = "\u202f"

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
}  # fmt: skip


def long_date(moment: float, language: str) -> str:
    when = datetime.fromtimestamp(moment, UTC)
    return f"{when.day} {MONTHS[language][when.month - 1]} {when.year}"


def money(amount: float, language: str) -> str:
    if language == "en":
        return f"€{amount:,.2f}"
    whole, cents = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', THIN_SPACE)},{cents} €"
