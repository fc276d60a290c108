"""Folding away what a customer's email repeats: the quoted history and the signature.

The text is kept whole; this only says where the new part ends, so a page can fold the rest.
Mail clients mark the history in their own words: "On … wrote:", "Le … a écrit :",
"Il giorno … ha scritto:", Outlook's "From: … Sent: …" block, "-----Original Message-----",
"> " quoting; the signature starts at "-- " or at a phone's "Sent from my iPhone".
No Django import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ATTRIBUTION = re.compile(
    r"^(on\b.+\bwrote|le\b.+\ba écrit|il giorno\b.+\bha scritto|il\b.+\bha scritto)\s*:\s*$",
    re.IGNORECASE,
)
ORIGINAL = re.compile(
    r"^-{2,}\s*(original message|message d'origine|messaggio originale|"
    r"forwarded message|message transféré|messaggio inoltrato)\s*-{2,}$",
    re.IGNORECASE,
)
OUTLOOK_FROM = re.compile(r"^\*?(from|de|da)\*?\s?:\s*\S", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(r"^\*?(sent|envoyé|inviato|date|data)\*?\s?:\s*\S", re.IGNORECASE)
FROM_PHONE = re.compile(
    r"^(sent from my|envoyé de mon|envoyé depuis mon|inviato da(l mio)?)\b", re.IGNORECASE
)
FORWARDS = re.compile(r"forwarded message|message transféré|messaggio inoltrato", re.IGNORECASE)


@dataclass(frozen=True)
class Folded:
    """The new part of a message and what follows it (empty when nothing is folded)."""

    new: str
    rest: str


def fold(text: str) -> Folded:
    """Split a message's text where its quoted history or signature begins."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index in range(1, len(lines)):
        if _starts_the_rest(lines, index):
            cut = _with_attribution(lines, index)
            new = "\n".join(lines[:cut]).rstrip()
            if new.strip():
                return Folded(new, "\n".join(lines[cut:]).strip("\n"))
            break
    return Folded(text, "")


def _with_attribution(lines: list[str], index: int) -> int:
    """Where the rest begins: the line that introduces a quote goes with it."""
    previous = index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if previous >= 0 and ATTRIBUTION.match(lines[previous].strip()):
        return previous
    return index


def _starts_the_rest(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    if lines[index].rstrip("\n") == "-- " or FROM_PHONE.match(line):
        return True
    if ORIGINAL.match(line):
        # A forwarded message is what the customer sends us: it stays in view.
        return not FORWARDS.search(line)
    two_lines = f"{line} {lines[index + 1].strip()}" if index + 1 < len(lines) else line
    if ATTRIBUTION.match(line) or ATTRIBUTION.match(two_lines):
        return True
    if OUTLOOK_FROM.match(line) and any(
        OUTLOOK_NEXT.match(following.strip()) for following in lines[index + 1 : index + 4]
    ):
        return True
    return line.startswith(">") and all(
        not rest.strip() or rest.lstrip().startswith(">") for rest in lines[index:]
    )
