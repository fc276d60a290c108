"""Watching the mailboxes: mail read within seconds of arriving (`loyaldesk fetchmail --watch`).

One thread per active mailbox with an IMAP server keeps a connection open. Where the server
offers IDLE, the thread waits in it and fetches (loyaldesk.channels.imap.fetch_new) as soon as
the server announces a message, and at least every 29 minutes; elsewhere it fetches every
`settings.MAIL_POLL_SECONDS`. A dropped connection or a server restart is retried with a
growing pause. The mailbox list is read again every minute, so mailboxes added, changed or
deactivated in the admin are picked up. Fetching is idempotent, so the periodic job of the
worker fetching the same mailboxes at the same time is harmless.
"""

from __future__ import annotations

import imaplib
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection

from loyaldesk.channels.idle import IdleConnection, idle, offers_idle
from loyaldesk.channels.imap import (
    MailboxUnreachable,
    connect,
    fetch_mailbox,
    fetch_new,
    logout,
    select_folder,
)
from loyaldesk.channels.models import Mailbox
from loyaldesk.channels.receiving import read_waiting_emails

logger = logging.getLogger(__name__)
REFRESH_SECONDS = 60  # how often the mailbox list is read again
FIRST_RETRY_SECONDS = 1
LAST_RETRY_SECONDS = 300
# What a lost connection or a server away raises: the watcher connects again.
CONNECTION_ERRORS = (MailboxUnreachable, OSError, imaplib.IMAP4.error)


def retry_seconds(failures: int) -> float:
    """The pause before connecting again after `failures` failures in a row: 1, 2, 4… s, at
    most 5 minutes."""
    return min(LAST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** min(failures, 16))


def watch_mailboxes(
    stop: threading.Event, *, address: str | None = None, refresh_seconds: float = REFRESH_SECONDS
) -> None:
    """Until `stop` is set, keep one watcher running per active IMAP mailbox (or only the one
    with `address`); then stop them all, each after its current batch, and wait for them."""
    watchers: dict[int, MailboxWatcher] = {}
    retired: list[MailboxWatcher] = []
    try:
        while not stop.is_set():
            try:
                _refresh(watchers, retired, _watched(address))
            except DatabaseError:
                logger.exception("the mailbox list could not be read; trying again")
            connection.close()  # none is needed until the next reading of the list
            stop.wait(refresh_seconds)
    finally:
        everyone = [*watchers.values(), *retired]
        for watcher in everyone:
            watcher.stop()
        for watcher in everyone:
            watcher.join()
        connection.close()


def _watched(address: str | None) -> dict[int, Mailbox]:
    mailboxes = Mailbox.objects.filter(is_active=True).exclude(imap_host="")
    if address:
        mailboxes = mailboxes.filter(address__iexact=address)
    return {mailbox.pk: mailbox for mailbox in mailboxes}


def _refresh(
    watchers: dict[int, MailboxWatcher], retired: list[MailboxWatcher], wanted: dict[int, Mailbox]
) -> None:
    """Stop the watchers of mailboxes gone, deactivated or reconfigured; start the missing."""
    for pk, watcher in list(watchers.items()):
        mailbox = wanted.get(pk)
        if mailbox is None or _server_of(mailbox) != watcher.server or not watcher.is_alive():
            watcher.stop()
            retired.append(watchers.pop(pk))
    retired[:] = [watcher for watcher in retired if watcher.is_alive()]
    for pk, mailbox in wanted.items():
        if pk not in watchers:
            watchers[pk] = MailboxWatcher(mailbox)
            watchers[pk].start()


def _server_of(mailbox: Mailbox) -> tuple:
    """What the watcher's connection depends on: a change means connecting anew."""
    return (
        mailbox.address,
        mailbox.imap_host,
        mailbox.imap_port,
        mailbox.imap_tls,
        mailbox.imap_user,
        mailbox.imap_secret_env,
        mailbox.folder,
    )


class MailboxWatcher(threading.Thread):
    """The thread that reads one mailbox's new mail as it comes, until stopped."""

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(name=f"mailbox-{mailbox.pk}", daemon=True)
        self.mailbox = mailbox
        self.server = _server_of(mailbox)
        self.stopping = threading.Event()
        self.failures = 0

    def stop(self) -> None:
        """Ask the thread to stop after its current batch and log out."""
        self.stopping.set()

    def run(self) -> None:
        """Watch the mailbox, connecting again after a pause whenever the connection fails."""
        try:
            while not self.stopping.is_set():
                try:
                    self._watch()
                except CONNECTION_ERRORS as error:
                    self._pause(f"{error}")
                except Exception:  # the thread's boundary: a bug must not end the watching
                    logger.exception("watching mailbox %s failed", self.mailbox)
                    self._pause("an unexpected error")
        finally:
            connection.close()
            logger.info("mailbox %s: no longer watched", self.mailbox)

    def _pause(self, reason: str) -> None:
        seconds = retry_seconds(self.failures)
        self.failures += 1
        logger.warning("mailbox %s: %s; connecting again in %s s", self.mailbox, reason, seconds)
        self.stopping.wait(seconds)

    def _watch(self) -> None:
        read_waiting_emails(self.mailbox)  # kept by a fetch stopped before it read them
        imap = connect(self.mailbox)
        try:
            uidvalidity = select_folder(imap, self.mailbox)
            if offers_idle(imap):
                self._idle(imap, uidvalidity)
                return
        finally:
            logout(imap)
        self._poll()

    def _idle(self, imap: IdleConnection, uidvalidity: int) -> None:
        """Fetch, then wait in IDLE for the next message (29 minutes at most), and again."""
        logger.info("mailbox %s: waiting for mail in IDLE", self.mailbox)
        while not self.stopping.is_set():
            self._report(fetch_new(imap, self.mailbox, uidvalidity, self.stopping))
            self.failures = 0
            connection.close()  # none is needed while waiting, maybe for half an hour
            idle(imap, stop=self.stopping)

    def _poll(self) -> None:
        """For a server without IDLE: fetch every MAIL_POLL_SECONDS."""
        logger.info(
            "mailbox %s: no IDLE, fetching every %s s", self.mailbox, settings.MAIL_POLL_SECONDS
        )
        while not self.stopping.is_set():
            self._report(fetch_mailbox(self.mailbox, self.stopping).fetched)
            self.failures = 0
            connection.close()
            self.stopping.wait(settings.MAIL_POLL_SECONDS)

    def _report(self, fetched: int) -> None:
        if fetched:
            logger.info("mailbox %s: %d new emails read", self.mailbox, fetched)
