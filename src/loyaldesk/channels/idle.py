"""IMAP IDLE (RFC 2177) on imaplib, which has none before Python 3.14.

A client in IDLE waits for the server to say that the folder changed. Waiting needs a read
with a timeout that can carry on afterwards, which imaplib's socket file cannot give: once one
of its reads timed out it refuses every later one, and what it has buffered is invisible to
select(). So `IdleIMAP4` and `IdleIMAP4_SSL` read the server through a buffer of their own;
everything else is imaplib's.
"""

from __future__ import annotations

import imaplib
import itertools
import re
import select
import socket
import ssl
import threading
import time

# RFC 2177: servers may log out a client idle for 30 minutes; IDLE is issued again before.
IDLE_SECONDS = 29 * 60
MAX_LINE = 1_000_000  # as imaplib: a longer line is not IMAP but a broken or hostile server
CHECK_SECONDS = 1.0  # how soon a wait in IDLE notices it is asked to stop
_NEWS = re.compile(rb"^\* \d+ (EXISTS|RECENT)\b", re.IGNORECASE)
_tags = itertools.count(1)


class _BufferedReads:
    """imaplib's read and readline over a buffer of our own, which `waiting` can see."""

    sock: socket.socket
    error: type[Exception]

    def __init__(self, *args, **kwargs) -> None:
        self._pending = bytearray()
        super().__init__(*args, **kwargs)

    def readline(self) -> bytes:
        """One line from the server, CRLF included; what is left at the end of the stream."""
        searched = 0
        while (end := self._pending.find(b"\n", searched)) < 0:
            if len(self._pending) > MAX_LINE:
                raise self.error(f"the server sent a line longer than {MAX_LINE} bytes")
            searched = len(self._pending)
            if not self._receive():
                end = len(self._pending) - 1
                break
        line = bytes(self._pending[: end + 1])
        del self._pending[: end + 1]
        return line

    def read(self, size: int) -> bytes:
        """`size` bytes from the server (fewer only at the end of the stream)."""
        while len(self._pending) < size and self._receive():
            pass
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    def waiting(self, seconds: float) -> bool:
        """Whether the server has sent something to read, waiting for it at most `seconds`."""
        if self._pending or (isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()):
            return True
        readable, _, _ = select.select([self.sock], [], [], seconds)
        return bool(readable)

    def _receive(self) -> bool:
        data = self.sock.recv(65536)
        self._pending += data
        return bool(data)


class IdleIMAP4(_BufferedReads, imaplib.IMAP4):
    """An IMAP connection that can wait in IDLE (`idle`)."""


class IdleIMAP4_SSL(_BufferedReads, imaplib.IMAP4_SSL):
    """An IMAP over TLS connection that can wait in IDLE (`idle`)."""


IdleConnection = IdleIMAP4 | IdleIMAP4_SSL


def offers_idle(imap: imaplib.IMAP4) -> bool:
    """Whether the server lists IDLE among its capabilities (asked again after login, when
    servers often list more)."""
    status, data = imap.capability()
    return status == "OK" and bool(data) and b"IDLE" in (data[0] or b"").upper().split()


def idle(
    imap: IdleConnection,
    *,
    stop: threading.Event,
    seconds: float = IDLE_SECONDS,
    check_seconds: float = CHECK_SECONDS,
) -> bool:
    """Wait in IDLE on the selected folder until the server announces a message (EXISTS or
    RECENT: returns True), `seconds` pass or `stop` is set (False); IDLE is ended either way,
    so the connection can take commands again. A refusal, the server's BYE or a closed
    connection raise imaplib's error or abort."""
    tag = b"IDLE%d" % next(_tags)
    imap.send(tag + b" IDLE\r\n")
    news = _until_continuation(imap, tag)
    deadline = time.monotonic() + seconds
    while not news and not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        if imap.waiting(min(check_seconds, left)):
            news = bool(_NEWS.match(_line(imap)))
    imap.send(b"DONE\r\n")
    while not (line := _line(imap)).startswith(tag + b" "):
        news = news or bool(_NEWS.match(line))
    if line.split()[1:2] != [b"OK"]:
        raise imap.error(f"IDLE ended badly: {line.decode(errors='replace')}")
    return news


def _until_continuation(imap: IdleConnection, tag: bytes) -> bool:
    """Read up to the server's "+ idling"; True if it announced a message meanwhile."""
    news = False
    while not (line := _line(imap)).startswith(b"+"):
        if line.startswith(tag + b" "):
            raise imap.error(f"the server refused IDLE: {line.decode(errors='replace')}")
        news = news or bool(_NEWS.match(line))
    return news


def _line(imap: IdleConnection) -> bytes:
    line = imap.readline()
    if not line.endswith(b"\n"):
        raise imap.abort("the server closed the connection")
    line = line.rstrip(b"\r\n")
    if line[:5].upper() == b"* BYE":
        raise imap.abort(f"the server said goodbye: {line.decode(errors='replace')}")
    return line
