"""What a file is, read from its bytes rather than its name, and whether the desk takes it.

No Django import: the attachment policy (desk.attachments) and its tests use these functions
with the configured list of allowed types.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import BinaryIO

import puremagic

from loyaldesk.config import ConfigurationError

GENERIC_TYPE = "application/octet-stream"
HEAD_BYTES = 8192

DEFAULT_ATTACHMENT_TYPES = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heif",
    "image/heic",
    "image/bmp",
    "image/tiff",
    "application/pdf",
    "application/rtf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.ms-outlook",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "text/plain",
    "text/csv",
    "text/tab-separated-values",
    "text/calendar",
    "text/vcard",
    "message/rfc822",
    "application/zip",
    "audio/mpeg",
    "audio/wav",
    "audio/ogg",
    "video/mp4",
    "video/quicktime",
]

# Types a browser would run or render as a page: never served under their own name.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "application/xml",
        "text/xml",
        "text/javascript",
        "application/javascript",
        "application/x-shockwave-flash",
    }
)

# Formats with no magic bytes, known by the name's extension once the bytes read as text.
TEXT_BY_EXTENSION = {
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".ics": "text/calendar",
    ".vcs": "text/calendar",
    ".vcf": "text/vcard",
    ".eml": "message/rfc822",
}
TEXT_TYPES = frozenset(TEXT_BY_EXTENSION.values())

# Microsoft's old formats share one container (OLE2): the name tells which it holds.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_BY_EXTENSION = {
    ".doc": "application/msword",
    ".dot": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".msg": "application/vnd.ms-outlook",
}
OLE_TYPE = "application/x-ole-storage"

OOXML_BY_FOLDER = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ZIP_MAGIC = b"PK\x03\x04"

# What puremagic makes of plain text, or of text that merely starts like a mailbox or JSON.
TEXT_GUESSES = frozenset({None, "application/mbox", "application/json"})

# Names puremagic gives that browsers and mail clients know under another.
ALIASES = {"audio/wave": "audio/wav", "audio/x-wav": "audio/wav", "image/x-ms-bmp": "image/bmp"}


def sniff(stream: BinaryIO, filename: str = "", declared: str = "") -> str:
    """The content type of a seekable file, read from its bytes; the name and the declared
    type only choose among text formats and containers the bytes cannot tell apart."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    extension = PurePosixPath(filename.lower()).suffix
    if not head:
        return TEXT_BY_EXTENSION.get(extension, "text/plain")
    if head.startswith(ZIP_MAGIC):
        return _zip_type(stream)
    if head.startswith(OLE_MAGIC):
        return OLE_BY_EXTENSION.get(extension, OLE_TYPE)
    magic = _magic_type(stream, extension)
    if magic in TEXT_GUESSES and _is_text(head):
        return _text_type(head, extension, declared)
    return magic or GENERIC_TYPE


def _magic_type(stream: BinaryIO, extension: str) -> str | None:
    """puremagic's best match with a MIME type, the one the name agrees with first (the name
    is not given to puremagic: it would make a guess of the name alone)."""
    try:
        matches = puremagic.magic_stream(stream)
    except (puremagic.PureError, ValueError):
        return None
    finally:
        stream.seek(0)
    named = [match for match in matches if match.mime_type]
    by_name = [match for match in named if match.extension == extension]
    best = (by_name or named or [None])[0]
    if best is None:
        return None
    mime = best.mime_type.lower()
    return ALIASES.get(mime, mime)


def _zip_type(stream: BinaryIO) -> str:
    """Office documents are zip files: their first folders or `mimetype` entry say which."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared
            if "[Content_Types].xml" in names:
                for folder, mime in OOXML_BY_FOLDER.items():
                    if any(name.startswith(folder) for name in names):
                        return mime
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return GENERIC_TYPE
    finally:
        stream.seek(0)
    return "application/zip"


def _is_text(head: bytes) -> bool:
    """Text has no NUL byte and hardly any control character (UTF-8 or a Latin charset)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Excel's "Unicode text"
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x1b")
    return controls <= len(head) // 100


def _text_type(head: bytes, extension: str, declared: str) -> str:
    """Markup is told by its first character; other text by the name, else the sender."""
    text = _decoded(head).lstrip("\ufeff \t\r\n").lower()
    if text.startswith("<"):
        if "<svg" in text:
            return "image/svg+xml"
        return "application/xml" if text.startswith("<?xml") else "text/html"
    if text.startswith("{\\rtf"):
        return "application/rtf"
    if text.startswith("begin:vcalendar"):
        return "text/calendar"
    if text.startswith("begin:vcard"):
        return "text/vcard"
    if extension in TEXT_BY_EXTENSION:
        return TEXT_BY_EXTENSION[extension]
    if _looks_like_email(text):
        return "message/rfc822"
    return declared if declared in TEXT_TYPES else "text/plain"


def _decoded(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    return head.decode("utf-8", "replace")


def _looks_like_email(text: str) -> bool:
    """An email starts with headers: Received, Return-Path, or From before a Subject."""
    first = text.split("\n", 1)[0]
    if first.startswith(("received:", "return-path:", "delivered-to:")):
        return True
    header_block = text.split("\n\n", 1)[0]
    return first.startswith(("from:", "message-id:", "date:")) and "\nsubject:" in header_block


def parse_type_patterns(entries: list[str]) -> list[str]:
    """Check the configured allowed types: each `type/subtype` or `type/*`, in lower case."""
    patterns = [entry.strip().lower() for entry in entries if entry.strip()]
    for pattern in patterns:
        kind, _, sub = pattern.partition("/")
        if not kind or not sub or "/" in sub or (sub != "*" and "*" in sub) or "*" in kind:
            raise ConfigurationError(
                f"LOYALDESK_ATTACHMENT_TYPES: {pattern!r} is not a content type"
                " such as image/png or image/*"
            )
    return patterns


def is_allowed(content_type: str, patterns: list[str]) -> bool:
    """Whether a content type is on the allowed list (`image/*` allows every image/...)."""
    content_type = content_type.lower()
    kind = content_type.split("/", 1)[0]
    return any(pattern in {content_type, f"{kind}/*"} for pattern in patterns)


def served_type(content_type: str) -> str:
    """The Content-Type a download is served with: active content only as opaque bytes."""
    return GENERIC_TYPE if content_type.lower() in ACTIVE_TYPES else content_type
