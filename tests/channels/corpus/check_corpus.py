"""Check every corpus email against expected.json, using nothing but Python's `email` package.

    .venv/bin/python tests/channels/corpus/check_corpus.py [NN-name.eml ...]

This is an independent second reading of the corpus, not loyaldesk's parser: each .eml is parsed
with email.policy.default (compat32 when the default policy raises), each field of its entry is
worked out by the rules in README.md, and every difference is printed. Where the standard library
is known to read a file wrongly, KNOWN_STDLIB_DIFFERENCES names the field and the reason; such a
difference is reported as known, not as a failure. Exit status 1 when anything else differs.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import re
import sys
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent

KEYS = [
    "message_id",
    "in_reply_to",
    "references",
    "from_address",
    "from_name",
    "to",
    "cc",
    "subject",
    "case_reference",
    "text_contains",
    "text_excludes",
    "attachments",
    "auto_reply",
    "bounce",
    "bounced_message_id",
    "language",
    "note",
]

# file name -> {field: why the standard library's reading differs from the expectation}
KNOWN_STDLIB_DIFFERENCES: dict[str, dict[str, str]] = {
    "40-postfix-bounce-dsn.eml": {
        "from_name": "policy.default ignores the old 'addr (Name)' comment form of a name, "
        "which email.utils.parseaddr and mail clients show as the display name",
    },
}

MSGID = re.compile(r"<[^<>\s]+>")
CASE_TAG = re.compile(r"\[#(\d+)\]")
LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}


def parse(raw: bytes) -> Message:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for name in ("From", "To", "Cc", "Subject"):
            message.get_all(name)  # the default policy parses headers lazily
        return message
    except Exception:
        return email.message_from_bytes(raw, policy=email.policy.compat32)


def header_object(message: Message, name: str):
    """The first `name` header, parsed; raw 8-bit bytes read as UTF-8, else windows-1252."""
    for key, value in message.raw_items():
        if key.lower() != name.lower():
            continue
        value = str(value)
        if any("\udc80" <= char <= "\udcff" for char in value):
            data = value.encode("ascii", "surrogateescape")
            try:
                value = data.decode("utf-8")
            except UnicodeDecodeError:
                value = data.decode("windows-1252", "replace")
        return email.policy.default.header_fetch_parse(key, value)
    return None


def header(message: Message, name: str) -> str | None:
    found = header_object(message, name)
    return None if found is None else str(found)


def addresses(message: Message, name: str) -> list[tuple[str, str]]:
    parsed = header_object(message, name)
    if parsed is None:
        return []
    return [(address.display_name, address.addr_spec.lower()) for address in parsed.addresses]


def charset_of(part: Message) -> str | None:
    charset = part.get_param("charset")
    if isinstance(charset, tuple):
        charset = email.utils.collapse_rfc2231_value(charset)
    return charset.lower().strip() if charset else None


def decode_text(part: Message) -> str:
    data = part.get_payload(decode=True) or b""
    charset = charset_of(part)
    if charset in LATIN1_LABELS:
        charset = "windows-1252"  # as browsers (WHATWG) do
    if charset:
        try:
            return data.decode(charset, "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", "replace")


class HTMLText(HTMLParser):
    SKIP = {"script", "style", "head", "title", "noscript", "iframe", "template"}
    BREAK = {"br", "p", "div", "tr", "li", "blockquote", "h1", "h2", "h3", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAK:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BREAK:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)


def html_text(html: str) -> str:
    reader = HTMLText()
    reader.feed(html)
    reader.close()
    return "".join(reader.chunks)


def filename_of(part: Message) -> str | None:
    name = part.get_filename()
    if name is None:
        name = part.get_param("name")
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    return str(name) if name is not None else None


def raw_part_body(raw: bytes, parent: Message, index: int) -> bytes:
    """The bytes of the body of the `index`th part of `parent`, cut from the file itself."""
    boundary = re.escape(parent.get_boundary().encode())
    lines = list(re.finditer(rb"(?m)^--" + boundary + rb"(--)?[ \t]*\r?$", raw))
    start = lines[index].end() + 1
    end = lines[index + 1].start() if index + 1 < len(lines) else len(raw)
    chunk = raw[start:end]
    chunk = (
        chunk[:-2] if chunk.endswith(b"\r\n") else chunk[:-1] if chunk.endswith(b"\n") else chunk
    )
    separator = re.search(rb"\r?\n\r?\n", chunk)
    return chunk[separator.end() :] if separator else b""


def walk(raw: bytes, message: Message):
    """Yields ("text"|"html"|"attachment", part, parent, index) in document order."""

    def visit(part, parent, index):
        maintype = part.get_content_maintype()
        if maintype == "message":
            yield "attachment", part, parent, index
        elif maintype == "multipart":
            payload = part.get_payload()
            if isinstance(payload, str):  # no boundary line found: the body is plain text
                yield "broken", part, parent, index
                return
            for number, sub in enumerate(payload):
                yield from visit(sub, part, number)
        else:
            subtype = part.get_content_type()
            body_like = subtype in ("text/plain", "text/html")
            attached = part.get_content_disposition() == "attachment" or filename_of(part)
            if body_like and not attached:
                yield ("text" if subtype == "text/plain" else "html"), part, parent, index
            else:
                yield "attachment", part, parent, index

    yield from visit(message, None, None)


def readable_text(raw: bytes, message: Message) -> str:
    plain = html = None
    for kind, part, _, _ in walk(raw, message):
        if kind == "text" and plain is None:
            plain = decode_text(part)
        elif kind == "html" and html is None:
            html = html_text(decode_text(part))
        elif kind == "broken" and plain is None:
            plain = decode_text(part)
    return plain if plain is not None else html or ""


def attachment_list(raw: bytes, message: Message) -> list[dict]:
    found = []
    for kind, part, parent, index in walk(raw, message):
        if kind != "attachment":
            continue
        if part.get_content_maintype() == "message" and parent is not None:
            size = len(raw_part_body(raw, parent, index))
        else:
            size = len(part.get_payload(decode=True) or b"")
        disposition = part.get_content_disposition()
        inline = disposition == "inline" or (disposition is None and part["Content-ID"] is not None)
        found.append(
            {
                "filename": filename_of(part),
                "content_type": part.get_content_type(),
                "size": size,
                "inline": inline,
            }
        )
    return found


def is_auto_reply(message: Message) -> bool:
    submitted = header(message, "Auto-Submitted")
    if submitted and submitted.split(";")[0].strip().lower() != "no":
        return True
    if header(message, "X-Autoreply") is not None or header(message, "X-Autorespond") is not None:
        return True
    precedence = (header(message, "Precedence") or "").strip().lower()
    return precedence in {"auto_reply", "bulk", "junk", "list"}


def bounce_of(raw: bytes, message: Message) -> tuple[bool, str | None]:
    report = message.get_content_type() == "multipart/report" and (
        (message.get_param("report-type") or "").lower() == "delivery-status"
    )
    sender = (addresses(message, "From") or [("", "")])[0][1]
    daemon = sender.split("@")[0] in {"mailer-daemon", "postmaster"}
    if not (report or daemon):
        return False, None
    for kind, part, _, _ in walk(raw, message):
        if kind != "attachment" or part.get_content_type() not in (
            "message/rfc822",
            "message/rfc822-headers",
            "text/rfc822-headers",
        ):
            continue
        if part.get_content_type() == "text/rfc822-headers":
            original = email.message_from_bytes(
                part.get_payload(decode=True), policy=email.policy.default
            )
        else:
            original = part.get_payload()[0] if part.is_multipart() else part.get_payload()
        found = header(original, "Message-ID")
        if found:
            return True, re.sub(r"\s+", "", found)
    found = re.search(r"(?im)^message-id:\s*(<[^>]+>)", readable_text_raw(raw, message))
    return True, found.group(1) if found else None


def readable_text_raw(raw: bytes, message: Message) -> str:
    for kind, part, _, _ in walk(raw, message):
        if kind == "text":
            return decode_text(part)
    return ""


def actual_entry(raw: bytes, expected: dict) -> dict:
    message = parse(raw)
    message_id = header(message, "Message-ID")
    in_reply_to = MSGID.findall(re.sub(r"\s+", "", header(message, "In-Reply-To") or ""))
    references = MSGID.findall(header(message, "References") or "")
    sender = (addresses(message, "From") or [("", None)])[0]
    subject = re.sub(r"[ \t\r\n]+", " ", header(message, "Subject") or "").strip(" \t\r\n")
    case = CASE_TAG.search(subject)
    text = readable_text(raw, message)
    bounce, bounced = bounce_of(raw, message)
    return {
        "message_id": re.sub(r"\s+", "", message_id) if message_id else None,
        "in_reply_to": in_reply_to[0] if in_reply_to else None,
        "references": references,
        "from_address": sender[1],
        "from_name": sender[0],
        "to": [address for _, address in addresses(message, "To")],
        "cc": [address for _, address in addresses(message, "Cc")],
        "subject": subject,
        "case_reference": int(case.group(1)) if case else None,
        "text_contains": [s for s in expected["text_contains"] if s in text],
        "text_excludes": [s for s in expected["text_excludes"] if s in text],
        "attachments": attachment_list(raw, message),
        "auto_reply": is_auto_reply(message),
        "bounce": bounce,
        "bounced_message_id": bounced,
        "language": expected["language"],
        "note": expected["note"],
        "_text": text,
    }


def check(name: str, expected: dict) -> tuple[list[str], list[str]]:
    problems, known = [], []
    if list(expected) != KEYS:
        problems.append(f"keys are {list(expected)}")
        return problems, known
    if expected["language"] not in ("fr", "it", "en") or not expected["note"]:
        problems.append("language or note missing")
    raw = (HERE / name).read_bytes()
    actual = actual_entry(raw, expected)
    want = dict(expected, text_excludes=[])
    for key in KEYS:
        if actual[key] == want[key]:
            continue
        line = f"{key}: expected {want[key]!r}, found {actual[key]!r}"
        reason = KNOWN_STDLIB_DIFFERENCES.get(name, {}).get(key)
        (known if reason else problems).append(line + (f" (known: {reason})" if reason else ""))
    if actual["text_contains"] != want["text_contains"] or actual["text_excludes"]:
        problems.append(f"text: {actual['_text'][:400]!r}")
    return problems, known


def main(argv: list[str]) -> int:
    expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    files = sorted(path.name for path in HERE.glob("*.eml"))
    if set(files) != set(expected):
        sys.stdout.write(f"files and expectations differ: {set(files) ^ set(expected)}\n")
        return 1
    failed = 0
    for name in argv or files:
        problems, known = check(name, expected[name])
        for line in known:
            sys.stdout.write(f"{name}: KNOWN {line}\n")
        for line in problems:
            sys.stdout.write(f"{name}: FAIL {line}\n")
        failed += bool(problems)
    total = sum((HERE / name).stat().st_size for name in files)
    sys.stdout.write(f"{len(files)} emails, {total} bytes, {failed} failing\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
