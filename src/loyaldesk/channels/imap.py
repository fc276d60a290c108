"""Fetching mailboxes over IMAP: every message kept by its UID before it is read.

A message is fetched with BODY.PEEK (the server's flags are left alone until it is kept),
kept under (mailbox, UIDVALIDITY, UID), read into its case with the rest of its batch, then
flagged \\Seen. The next fetch starts after the highest UID kept, and reads first whatever
was kept but not read: killed at any point, a fetch run again loses nothing and duplicates
nothing.
"""

from __future__ import annotations

import imaplib
import logging
import os
import ssl
import threading
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from loyaldesk.channels.idle import IdleConnection, IdleIMAP4, IdleIMAP4_SSL
from loyaldesk.channels.models import Mailbox, ReceivedEmail
from loyaldesk.channels.receiving import (
    BATCH_SIZE,
    keep_email,
    read_emails,
    read_waiting_emails,
)

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 60


class MailboxUnreachable(RuntimeError):
    """The IMAP server refused the connection, the login or the folder."""


@dataclass(frozen=True)
class FetchReport:
    """What one fetch of one mailbox did."""

    mailbox: str
    fetched: int
    read: int
    error: str = ""


def secret_of(mailbox: Mailbox) -> str:
    """The mailbox password, from the environment variable the mailbox names."""
    if not mailbox.imap_secret_env:
        raise MailboxUnreachable(f"{mailbox}: no environment variable names its password")
    try:
        return os.environ[mailbox.imap_secret_env]
    except KeyError:
        raise MailboxUnreachable(f"{mailbox}: {mailbox.imap_secret_env} is not set") from None


def connect(mailbox: Mailbox) -> IdleConnection:
    """A logged-in IMAP connection to the mailbox's server, STARTTLS when offered; it can
    wait in IDLE (loyaldesk.channels.idle) if the server offers it. The server's certificate
    must be valid for its name (system CAs, or the file SSL_CERT_FILE names), else the
    password is not sent."""
    context = ssl.create_default_context()
    try:
        if mailbox.imap_tls:
            imap = IdleIMAP4_SSL(
                mailbox.imap_host, mailbox.imap_port, ssl_context=context, timeout=TIMEOUT_SECONDS
            )
        else:
            imap = IdleIMAP4(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT_SECONDS)
            if "STARTTLS" in imap.capabilities:
                imap.starttls(ssl_context=context)
        imap.login(mailbox.imap_user or mailbox.address, secret_of(mailbox))
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxUnreachable(f"{mailbox}: {error}") from error
    return imap


def fetch_mailbox(mailbox: Mailbox, stop: threading.Event | None = None) -> FetchReport:
    """Keep and read the mailbox's messages not kept yet, a batch at a time (once `stop` is
    set, no further batch is begun)."""
    read = read_waiting_emails(mailbox)  # kept by a fetch killed before it read them
    try:
        imap = connect(mailbox)
        try:
            fetched = fetch_new(imap, mailbox, select_folder(imap, mailbox), stop)
        finally:
            logout(imap)
    except (MailboxUnreachable, OSError, imaplib.IMAP4.error) as error:
        _record_fetch(mailbox, str(error) or type(error).__name__)
        raise
    _record_fetch(mailbox, "")
    return FetchReport(str(mailbox), fetched, read + fetched)


def _record_fetch(mailbox: Mailbox, error: str) -> None:
    """What the admin sees of the mailbox's last fetch: when, and why it failed if it did."""
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_fetch_at=timezone.now(), last_fetch_error=error[:2000]
    )


def fetch_new(
    imap: imaplib.IMAP4, mailbox: Mailbox, uidvalidity: int, stop: threading.Event | None = None
) -> int:
    """Keep, read and flag \\Seen the selected folder's messages not kept yet, a batch at a
    time, until done or `stop` is set; returns how many were kept."""
    uids = _new_uids(imap, mailbox, uidvalidity)
    fetched = 0
    for start in range(0, len(uids), BATCH_SIZE):
        if stop is not None and stop.is_set():
            break
        kept = _keep_batch(imap, mailbox, uidvalidity, uids[start : start + BATCH_SIZE])
        read_emails([received.pk for received in kept])
        if kept:
            flagged = ",".join(str(received.uid) for received in kept)
            imap.uid("STORE", flagged, "+FLAGS.SILENT", r"(\Seen)")
        fetched += len(kept)
    return fetched


def _keep_batch(
    imap: imaplib.IMAP4, mailbox: Mailbox, uidvalidity: int, uids: list[int]
) -> list[ReceivedEmail]:
    kept = []
    for uid in uids:
        raw = _fetch(imap, uid)
        if raw is not None:  # else expunged meanwhile
            kept.append(keep_email(raw, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid))
    return kept


def fetch_all_mailboxes() -> list[FetchReport]:
    """Fetch every active mailbox with an IMAP server; one unreachable does not stop the rest
    (its report says why)."""
    reports = []
    for mailbox in Mailbox.objects.filter(is_active=True).exclude(imap_host=""):
        try:
            reports.append(fetch_mailbox(mailbox))
        except (MailboxUnreachable, OSError, imaplib.IMAP4.error) as error:
            logger.warning("mailbox %s could not be fetched: %s", mailbox, error)
            reports.append(FetchReport(str(mailbox), 0, 0, error=str(error)))
    return reports


def select_folder(imap: imaplib.IMAP4, mailbox: Mailbox) -> int:
    """Select the mailbox's folder; returns its UIDVALIDITY."""
    status, _ = imap.select(_quoted(mailbox.folder))
    if status != "OK":
        raise MailboxUnreachable(f"{mailbox}: no folder {mailbox.folder}")
    _, values = imap.response("UIDVALIDITY")
    if not values or values[0] is None:
        raise MailboxUnreachable(f"{mailbox}: the server gave no UIDVALIDITY")
    return int(values[0])


def _new_uids(imap: imaplib.IMAP4, mailbox: Mailbox, uidvalidity: int) -> list[int]:
    kept = ReceivedEmail.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity)
    last = kept.aggregate(last=Max("uid"))["last"] or 0
    if last:  # a fetch killed between keeping and flagging left some unflagged
        imap.uid("STORE", f"1:{last}", "+FLAGS.SILENT", r"(\Seen)")
    status, data = imap.uid("SEARCH", None, f"UID {last + 1}:*")
    if status != "OK" or not data or not data[0]:
        return []
    # "n:*" always matches the last message, even when its UID is below n.
    return sorted(uid for uid in map(int, data[0].split()) if uid > last)


def _fetch(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    status, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def logout(imap: imaplib.IMAP4) -> None:
    """Log out, whether or not the server is still there."""
    try:
        imap.logout()
    except (OSError, imaplib.IMAP4.error):
        logger.info("the IMAP server closed the connection first")
