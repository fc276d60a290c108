"""Inbound email: from the bytes a mail server stored to what the desk reads of them.

`parse_email` never raises: whatever the bytes (broken MIME, unknown charsets, headers a
mail client mangled), a `ParsedEmail` comes out that keeps the raw bytes and says what was
wrong in `problems`. No Django import.
"""

from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import Message
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

import nh3

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
AUTOMATIC_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk", "list"})
MAILER_DAEMONS = frozenset({"mailer-daemon", "postmaster"})
ORIGINAL_HEADERS = frozenset({"message/rfc822", "message/rfc822-headers", "text/rfc822-headers"})
# Block-level ends become line breaks when HTML is read as text.
BLOCK_END = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h[1-6]|/blockquote)\b[^>]*>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
# Folding whitespace only: a French no-break space before a colon is part of the text.
FOLDING = re.compile(r"[ \t\r\n]+")
SURROGATES = re.compile("[\udc80-\udcff]")
ADDRESS_COMMENT = re.compile(r"\(([^()]*)\)\s*$")
FALLBACK_CHARSET = "windows-1252"
# As browsers do (WHATWG Encoding): mail labelled Latin-1 is written in windows-1252 by French
# and Italian clients (curly quotes, the euro sign), a superset of Latin-1's printable range.
CHARSET_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
}


@dataclass(frozen=True)
class Attachment:
    """A part of the email that is not its body text: a file, an inline image, a message."""

    filename: str | None
    content_type: str
    content: bytes
    inline: bool
    content_id: str


@dataclass(frozen=True)
class ParsedEmail:
    """What the desk reads of one email; `raw` is always the bytes as received."""

    raw: bytes
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    from_address: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    date: datetime | None
    text: str
    html: str
    attachments: tuple[Attachment, ...]
    auto_reply: bool
    bounce: bool
    bounced_message_id: str | None
    problems: tuple[str, ...]

    def case_reference(self, prefix: str = "#") -> int | None:
        """The case number the subject carries as '[#1234]', if any."""
        return case_reference_in(self.subject, prefix)


def case_reference_in(subject: str, prefix: str = "#") -> int | None:
    """The number in the last '[<prefix><digits>]' of a subject."""
    found = re.findall(r"\[\s*" + re.escape(prefix) + r"(\d{1,12})\s*\]", subject)
    return int(found[-1]) if found else None


class _HeaderCachingPolicy(EmailPolicy):
    """The default policy, remembering parsed headers: the same Content-Type is read many
    times in an email and again in the next, and parsing it is most of reading an email."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name"):
            return value
        return _parsed_header(name, value)


@lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str) -> str:
    return policy.default.header_fetch_parse(name, value)


HEADER_CACHING = _HeaderCachingPolicy()


def parse_email(raw: bytes) -> ParsedEmail:
    """Read an email from its raw bytes; broken input gives what could be read, never an error."""
    problems: list[str] = []
    try:
        message = message_from_bytes(raw, policy=HEADER_CACHING)
        return _parsed(raw, message, problems)
    except Exception as error:  # the boundary: any input yields a result
        problems.append(f"unreadable: {type(error).__name__}: {error}")
        return _unreadable(raw, problems)


def _parsed(raw: bytes, message: Message, problems: list[str]) -> ParsedEmail:
    body = _Body(problems, "\r\n" if b"\r\n" in raw[:4096] else "\n")
    body.read(message, raw)
    sender_name, sender = _first_address(_header(message, "From", problems))
    if not sender_name:  # the old "address (Name)" form
        comment = ADDRESS_COMMENT.search(str(_raw_header(message, "From") or ""))
        sender_name = comment.group(1).strip() if comment else ""
    bounce = _is_bounce(message, sender)
    problems.extend(_defects(message))
    return ParsedEmail(
        raw=raw,
        message_id=_first_id(_header(message, "Message-ID", problems)),
        in_reply_to=_first_id(_header(message, "In-Reply-To", problems)),
        references=tuple(MESSAGE_ID.findall(_header(message, "References", problems))),
        from_address=sender,
        from_name=sender_name,
        to=_addresses(_header(message, "To", problems)),
        cc=_addresses(_header(message, "Cc", problems)),
        subject=FOLDING.sub(" ", _header(message, "Subject", problems)).strip(" \t\r\n"),
        date=_date(_header(message, "Date", problems)),
        text=body.text(),
        html=body.html,
        attachments=tuple(body.attachments),
        auto_reply=_is_automatic(message, problems),
        bounce=bounce,
        bounced_message_id=_bounced_id(message, problems) if bounce else None,
        problems=tuple(problems),
    )


def _unreadable(raw: bytes, problems: list[str]) -> ParsedEmail:
    return ParsedEmail(
        raw=raw,
        message_id=None,
        in_reply_to=None,
        references=(),
        from_address="",
        from_name="",
        to=(),
        cc=(),
        subject="",
        date=None,
        text=raw.decode(FALLBACK_CHARSET, errors="replace"),
        html="",
        attachments=(),
        auto_reply=False,
        bounce=False,
        bounced_message_id=None,
        problems=tuple(problems),
    )


def _header(message: Message, name: str, problems: list[str]) -> str:
    """A header decoded to text ('' when absent); mangled encoded-words are read as far as
    they go rather than dropped, raw 8-bit bytes as UTF-8 (else windows-1252)."""
    raw_value = next(
        (value for key, value in message.raw_items() if key.lower() == name.lower()), None
    )
    if isinstance(raw_value, str) and SURROGATES.search(raw_value):
        return _decoded_header(_unescaped(raw_value))
    if isinstance(raw_value, str) and raw_value.isascii() and "=?" not in raw_value:
        # Nothing to decode: unfolded as the header registry would, without its slow parse.
        return "".join(raw_value.splitlines())
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception as error:  # a header the strict parser refuses
        problems.append(f"header {name}: {type(error).__name__}")
    raw_values = message.get_all(name, failobj=[]) if hasattr(message, "get_all") else []
    return _decoded_header(str(raw_values[0])) if raw_values else ""


def _raw_header(message: Message, name: str) -> str | None:
    """The first header of that name as it came, before any decoding."""
    wanted = name.lower()
    return next((value for key, value in message.raw_items() if key.lower() == wanted), None)


def _unescaped(value: str) -> str:
    data = value.encode("ascii", errors="surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(FALLBACK_CHARSET, errors="replace")


def _decoded_header(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # an undecodable header stays as it came
        return value


def _first_id(value: str) -> str | None:
    found = MESSAGE_ID.search(value)
    if found:
        return found.group(0)
    return value.strip() or None


def _first_address(value: str) -> tuple[str, str]:
    pairs = getaddresses([value]) if value else []
    for name, address in pairs:
        if address:
            return name.strip(), address.strip().lower()
    return "", ""


def _addresses(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(address.strip().lower() for _, address in getaddresses([value]) if address)


def _date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _is_automatic(message: Message, problems: list[str]) -> bool:
    """Whether the headers say a machine sent it (out-of-office, list, bulk)."""
    submitted = _header(message, "Auto-Submitted", problems).strip().lower()
    if submitted and submitted != "no":
        return True
    if _header(message, "X-Autoreply", problems) or _header(message, "X-Autorespond", problems):
        return True
    return _header(message, "Precedence", problems).strip().lower() in AUTOMATIC_PRECEDENCE


def _is_bounce(message: Message, sender: str) -> bool:
    if message.get_content_type() == "multipart/report":
        return message.get_param("report-type", "").lower() == "delivery-status"
    return sender.partition("@")[0] in MAILER_DAEMONS


def _bounced_id(message: Message, problems: list[str]) -> str | None:
    """The Message-ID of the message a delivery report returns, from its attached headers."""
    own = _first_id(_header(message, "Message-ID", problems))
    for part in message.walk():
        if part.get_content_type() not in ORIGINAL_HEADERS:
            continue
        found = MESSAGE_ID.search(_original_headers(part))
        if found and found.group(0) != own:
            return found.group(0)
    text = "\n".join(_text_of(part, problems) for part in message.walk() if _is_text(part))
    for found in re.finditer(r"^\s*Message-ID:\s*(<[^<>\s]+>)", text, re.I | re.M):
        if found.group(1) != own:
            return found.group(1)
    return None


def _original_headers(part: Message) -> str:
    """The Message-ID header line of the original message inside a report part."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        return str(payload[0].get("Message-ID", ""))
    raw = part.get_payload(decode=True) or b""
    match = re.search(rb"^Message-ID:[ \t]*(.*)$", raw, re.I | re.M)
    return match.group(1).decode("ascii", errors="replace") if match else ""


def _is_text(part: Message) -> bool:
    return part.get_content_maintype() == "text" and not part.is_multipart()


def _text_of(part: Message, problems: list[str]) -> str:
    """A text part decoded with its charset; a wrong or unknown charset falls back to
    windows-1252, which French and Italian mail clients mislabel most."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    declared = part.get_content_charset() or "us-ascii"
    charset = CHARSET_ALIASES.get(declared, declared)
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError) as error:
        problems.append(f"charset {declared}: {type(error).__name__}")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode(FALLBACK_CHARSET, errors="replace")


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: tags, scripts and styles gone, entities decoded."""
    marked = BLOCK_END.sub("\n", html)
    text = html_entities.unescape(nh3.clean(marked, tags=set()))
    lines = (line.strip() for line in text.replace("\r\n", "\n").split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


class _Body:
    """Walks the parts: the first plain and HTML texts are the body, the rest attachments."""

    def __init__(self, problems: list[str], linesep: str) -> None:
        self.problems = problems
        self.linesep = linesep
        self.plain: list[str] = []
        self.html = ""
        self.attachments: list[Attachment] = []

    def read(self, message: Message, raw: bytes) -> None:
        self.raw = raw
        self._visit(message, None, 0)

    def text(self) -> str:
        if self.plain:
            return "\n".join(self.plain).strip()
        return html_to_text(self.html)

    def _visit(self, part: Message, parent: Message | None, index: int) -> None:
        if part.get_content_maintype() == "message" or part.get_content_type() in ORIGINAL_HEADERS:
            self._attach(part, _raw_body(self.raw, parent, index))
            return
        if part.is_multipart():
            for number, child in enumerate(part.get_payload()):
                if isinstance(child, Message):
                    self._visit(child, part, number)
            return
        if part.get_content_maintype() == "multipart":  # its boundary never appears: plain text
            self.problems.append("multipart without its boundary")
            self.plain.append(self._unsplit_text(part, parent))
            return
        if self._is_body(part):
            self._add_body(part)
        else:
            self._attach(part)

    def _unsplit_text(self, part: Message, parent: Message | None) -> str:
        """The body of a multipart part whose boundary never comes, read as text from the
        email's own bytes when it is the email itself."""
        separator = re.search(rb"\r?\n\r?\n", self.raw) if parent is None else None
        if separator is None:
            payload = str(part.get_payload())
            return _unescaped(payload) if SURROGATES.search(payload) else payload
        return _unescaped(self.raw[separator.end() :].decode("ascii", "surrogateescape"))

    def _is_body(self, part: Message) -> bool:
        if part.get_content_type() not in ("text/plain", "text/html"):
            return False
        if _disposition(part) == "attachment" or _filename(part, self.problems):
            return False
        if part.get_content_type() == "text/html":
            return not self.html
        return True

    def _add_body(self, part: Message) -> None:
        text = _text_of(part, self.problems)
        if part.get_content_type() == "text/html":
            self.html = text
        else:
            self.plain.append(text)

    def _attach(self, part: Message, original: bytes | None = None) -> None:
        self.attachments.append(
            Attachment(
                filename=_filename(part, self.problems),
                content_type=part.get_content_type(),
                content=_content(part, self.linesep) if original is None else original,
                inline=_is_inline(part),
                content_id=str(part.get("Content-ID", "")).strip().strip("<>"),
            )
        )


def _is_inline(part: Message) -> bool:
    """Shown within the message: said so, or referenced by a Content-ID and not an attachment."""
    disposition = _disposition(part)
    return disposition == "inline" or (not disposition and bool(part.get("Content-ID")))


def _raw_body(raw: bytes, parent: Message | None, index: int) -> bytes | None:
    """The body of the parent's index-th part as it stands in the email, or None if it
    cannot be found (an attached message is kept as it came, not as Python writes it)."""
    boundary = parent.get_boundary() if parent is not None else None
    if not boundary:
        return None
    delimiters = list(
        re.finditer(
            rb"(?m)^--" + re.escape(boundary.encode("ascii", "replace")) + rb"(--)?[ \t]*\r?$", raw
        )
    )
    if index + 1 >= len(delimiters):
        return None
    chunk = raw[delimiters[index].end() + 1 : delimiters[index + 1].start()]
    chunk = chunk.removesuffix(b"\n").removesuffix(b"\r")
    separator = re.search(rb"\r?\n\r?\n", chunk)
    return chunk[separator.end() :] if separator else None


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:  # a mangled Content-Disposition
        return ""


def _filename(part: Message, problems: list[str]) -> str | None:
    try:
        name = part.get_filename()
    except Exception as error:  # a mangled RFC 2231 parameter
        problems.append(f"filename: {type(error).__name__}")
        name = part.get_param("name", header="content-type")
    if not name:
        return None
    # Outlook and Gmail send RFC 2047 words inside the parameter, which RFC 2231 does not allow.
    return _decoded_header(str(name)) if "=?" in str(name) else str(name)


def _content(part: Message, linesep: str) -> bytes:
    """The part's bytes: a file decoded, an attached message as the message itself, with the
    line ends of the email it came in."""
    payload = part.get_payload()
    if isinstance(payload, list):
        writer = policy.compat32.clone(linesep=linesep)
        try:
            return b"".join(child.as_bytes(policy=writer) for child in payload)
        except Exception:  # an attached message too broken to write back
            return b""
    decoded = part.get_payload(decode=True)
    return decoded if isinstance(decoded, bytes) else b""


def _defects(message: Message) -> list[str]:
    return sorted(
        {
            type(defect).__name__
            for part in message.walk()
            for defect in getattr(part, "defects", [])
        }
    )
