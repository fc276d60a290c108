"""Mail read within seconds of arriving: IMAP IDLE and `loyaldesk fetchmail --watch` against a
real Dovecot, restarted under the watcher, and one that does not offer IDLE.

Waits are bounded ("within N seconds"), never fixed sleeps: each test polls for the outcome.
"""

import email.policy
import imaplib
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from loyaldesk.channels.idle import IdleIMAP4, idle, offers_idle
from loyaldesk.channels.imap import MailboxUnreachable, connect
from loyaldesk.channels.models import Mailbox, ReceivedEmail, ReceivedState
from loyaldesk.channels.receiving import BATCH_SIZE
from loyaldesk.channels.watching import LAST_RETRY_SECONDS, retry_seconds, watch_mailboxes
from loyaldesk.desk.models import Case, Queue
from tests.channels.test_imap import SECRET_ENV, SETUP, customer_email
from tests.dovecot import start_dovecot

WITHIN_SECONDS = 60
NO_IDLE = "imap_capability = IMAP4rev1 LITERAL+\n"


def eventually(condition: Callable[[], object], what: str, seconds: float = WITHIN_SECONDS):
    """Wait until `condition()` is true, at most `seconds`; return its value."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)
    return value


def dovecot_root() -> Path:
    """Not under pytest's tmp_path, which Dovecot's own user may not enter."""
    return Path(tempfile.mkdtemp(prefix="dovecot-"))


@pytest.fixture
def own_dovecot():
    """A Dovecot of the test's own, which it may restart."""
    server = start_dovecot(dovecot_root())
    yield server
    server.stop()


@pytest.fixture
def dovecot_with_tls():
    """A Dovecot offering STARTTLS, with a self-signed certificate."""
    root = dovecot_root()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", root / "key.pem", "-out", root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    tls = f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem\n"
    server = start_dovecot(root, extra_config=tls)
    server.certificate = root / "cert.pem"
    yield server
    server.stop()


@pytest.fixture
def dovecot_without_idle():
    server = start_dovecot(dovecot_root(), extra_config=NO_IDLE)
    yield server
    server.stop()


def idle_connection(server, folder: str) -> IdleIMAP4:
    imap = IdleIMAP4("127.0.0.1", server.port, timeout=30)
    imap.login(server.user, server.password)
    assert imap.select(folder)[0] == "OK"
    return imap


# The IDLE protocol (loyaldesk.channels.idle), on a connection of its own.


def test_idle_returns_when_a_message_arrives_and_the_connection_goes_on(dovecot):
    folder = dovecot.new_folder()
    imap = idle_connection(dovecot, folder)
    try:
        assert offers_idle(imap)
        threading.Timer(0.3, dovecot.deliver, (folder, customer_email(1))).start()
        started = time.monotonic()
        assert idle(imap, stop=threading.Event(), seconds=WITHIN_SECONDS) is True
        assert time.monotonic() - started < WITHIN_SECONDS / 2
        assert imap.uid("SEARCH", None, "ALL") == ("OK", [b"1"])

        threading.Timer(0.3, dovecot.deliver, (folder, customer_email(2))).start()
        assert idle(imap, stop=threading.Event(), seconds=WITHIN_SECONDS) is True
        assert imap.uid("SEARCH", None, "ALL") == ("OK", [b"1 2"])
    finally:
        imap.logout()


def test_idle_ends_after_its_time_or_when_asked_to_stop(dovecot):
    imap = idle_connection(dovecot, dovecot.new_folder())
    try:
        started = time.monotonic()
        assert idle(imap, stop=threading.Event(), seconds=0.5) is False
        assert time.monotonic() - started >= 0.5

        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        started = time.monotonic()
        assert idle(imap, stop=stop, seconds=WITHIN_SECONDS, check_seconds=0.1) is False
        assert time.monotonic() - started < WITHIN_SECONDS / 2
        assert imap.noop()[0] == "OK", "IDLE is over: the connection takes commands again"
    finally:
        imap.logout()


def test_idle_reports_a_message_that_came_before_it_began(dovecot):
    """Dovecot announces at once what arrived since the last command: not missed."""
    folder = dovecot.new_folder()
    imap = idle_connection(dovecot, folder)
    try:
        dovecot.deliver(folder, customer_email(1))
        assert idle(imap, stop=threading.Event(), seconds=WITHIN_SECONDS) is True
    finally:
        imap.logout()


def test_a_connection_dropped_during_idle_is_an_abort_not_a_hang(own_dovecot):
    imap = idle_connection(own_dovecot, own_dovecot.new_folder())
    threading.Timer(0.3, own_dovecot.kick).start()
    with pytest.raises(imaplib.IMAP4.abort):
        idle(imap, stop=threading.Event(), seconds=WITHIN_SECONDS)


def large_email() -> bytes:
    """An email of about 600 kB, with the CRLF line ends IMAP stores."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = "Cliente <cliente@example.it>"
    message["To"] = "support@desk.example"
    message["Subject"] = "Il registro completo"
    message.set_content("".join(f"Riga {n}: tutto come previsto.\n" for n in range(20_000)))
    return message.as_bytes()


def tls_mailbox(server, folder: str) -> Mailbox:
    return Mailbox(
        name="Support",
        address="support@desk.example",
        imap_host="127.0.0.1",
        imap_port=server.port,
        imap_tls=False,
        imap_user=server.user,
        imap_secret_env=SECRET_ENV,
        folder=folder,
    )


def test_a_server_whose_certificate_is_not_trusted_gets_no_password(dovecot_with_tls, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, dovecot_with_tls.password)
    with pytest.raises(MailboxUnreachable, match="CERTIFICATE_VERIFY_FAILED"):
        connect(tls_mailbox(dovecot_with_tls, "INBOX"))


def test_idle_and_large_emails_over_starttls(dovecot_with_tls, monkeypatch):
    """Through TLS, the connection reads what the TLS layer has already decrypted too."""
    server = dovecot_with_tls
    folder = server.new_folder()
    monkeypatch.setenv(SECRET_ENV, server.password)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.certificate))  # the company's own CA
    imap = connect(tls_mailbox(server, folder))
    try:
        assert isinstance(imap.sock, ssl.SSLSocket), "STARTTLS offered, so taken"
        assert imap.select(folder)[0] == "OK"
        large = large_email()
        threading.Timer(0.3, server.deliver, (folder, large, customer_email(2))).start()
        assert idle(imap, stop=threading.Event(), seconds=WITHIN_SECONDS) is True
        status, data = imap.uid("FETCH", "1", "(BODY.PEEK[])")
        assert status == "OK"
        assert data[0][1] == large
    finally:
        imap.logout()


def test_a_server_without_idle_says_so(dovecot_without_idle):
    imap = idle_connection(dovecot_without_idle, "INBOX")
    try:
        assert not offers_idle(imap)
    finally:
        imap.logout()


# The watcher in this process: mailboxes added and deactivated while it runs.


def test_the_pause_before_connecting_again_grows_up_to_five_minutes():
    pauses = [retry_seconds(failures) for failures in range(12)]
    assert pauses[:4] == [1, 2, 4, 8]
    assert pauses == sorted(pauses)
    assert pauses[-1] == LAST_RETRY_SECONDS == 300
    assert retry_seconds(10_000) == LAST_RETRY_SECONDS


def test_watching_an_unknown_mailbox_is_refused_at_once(db):
    with pytest.raises(CommandError, match="no mailbox with the address"):
        call_command("fetchmail", "--watch", "--mailbox", "nobody@desk.example")


def make_mailbox(server, queue: Queue, address: str) -> Mailbox:
    return Mailbox.objects.create(
        name=address,
        address=address,
        queue=queue,
        imap_host="127.0.0.1",
        imap_port=server.port,
        imap_tls=False,
        imap_user=server.user,
        imap_secret_env=SECRET_ENV,
        folder=server.new_folder(),
    )


def cases_of(mailbox: Mailbox) -> int:
    return ReceivedEmail.objects.filter(mailbox=mailbox, state=ReceivedState.ADDED).count()


def test_mailboxes_added_and_deactivated_while_watching_are_picked_up(
    transactional_db, dovecot, monkeypatch
):
    monkeypatch.setenv(SECRET_ENV, dovecot.password)
    queue = Queue.objects.create(name="Support", slug="support")
    first = make_mailbox(dovecot, queue, "support@desk.example")
    stop = threading.Event()
    watching = threading.Thread(
        target=watch_mailboxes, args=(stop,), kwargs={"refresh_seconds": 0.2}
    )
    watching.start()
    # Progress is watched on the IMAP server (flagged seen once read into a case): SQLite's
    # shared in-memory test database refuses a read while another thread writes.
    try:
        dovecot.deliver(first.folder, customer_email(1))
        eventually(lambda: dovecot.seen(first.folder) == 1, "the first mailbox's email read")

        second = make_mailbox(dovecot, queue, "assistenza@desk.example")
        dovecot.deliver(second.folder, customer_email(2))
        eventually(lambda: dovecot.seen(second.folder) == 1, "the mailbox added meanwhile read")

        Mailbox.objects.filter(pk=first.pk).update(is_active=False)
        eventually(
            lambda: f"mailbox-{first.pk}" not in {t.name for t in threading.enumerate()},
            "the deactivated mailbox no longer watched",
        )
        dovecot.deliver(first.folder, customer_email(3))
        dovecot.deliver(second.folder, customer_email(4))
        eventually(lambda: dovecot.seen(second.folder) == 2, "the other mailbox still watched")
    finally:
        stop.set()
        watching.join(timeout=WITHIN_SECONDS)
    assert not watching.is_alive()
    assert not [t for t in threading.enumerate() if t.name.startswith("mailbox-")]
    assert (cases_of(first), cases_of(second)) == (1, 2)
    assert dovecot.seen(first.folder) == 1, "the deactivated mailbox was left alone"
    assert Case.objects.count() == 3


# `loyaldesk fetchmail --watch`, the real process, on a SQLite file database.


class Watcher:
    """A `loyaldesk fetchmail --watch` process and the database it writes to."""

    def __init__(self, server, tmp_path: Path, **env: str) -> None:
        self.database = tmp_path / "desk.sqlite3"
        self.env = {
            **os.environ,
            "LOYALDESK_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{self.database}",
            SECRET_ENV: server.password,
            **env,
        }
        self.folder = server.new_folder()
        assert self.run("manage", "migrate", "--verbosity", "0").wait() == 0
        setup = SETUP.format(port=server.port, user=server.user, env=SECRET_ENV, folder=self.folder)
        assert self.run("manage", "shell", "-c", setup).wait() == 0
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = self.run("fetchmail", "--watch", stdout=subprocess.PIPE)

    def run(self, *args: str, **options) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "loyaldesk", *args], env=self.env, text=True, **options
        )

    def count(self, sql: str) -> int:
        with sqlite3.connect(self.database, timeout=20) as db:
            return db.execute(sql).fetchone()[0]

    def cases(self) -> int:
        return self.count("SELECT count(*) FROM desk_case")

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(signum)
        output, _ = self.process.communicate(timeout=WITHIN_SECONDS)
        return self.process.returncode, output

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def watcher_of(tmp_path):
    started = []

    def start(server, **env: str) -> Watcher:
        started.append(Watcher(server, tmp_path, **env))
        return started[-1]

    yield start
    for watcher in started:
        watcher.kill()


@pytest.mark.slow
def test_the_watcher_reads_mail_as_it_comes_and_after_a_server_restart(own_dovecot, watcher_of):
    watcher = watcher_of(own_dovecot)
    watcher.start()
    own_dovecot.deliver(watcher.folder, customer_email(1))
    eventually(lambda: watcher.cases() == 1, "the email read into a case")

    own_dovecot.restart()
    own_dovecot.deliver(watcher.folder, customer_email(2))
    eventually(lambda: watcher.cases() == 2, "the email after the restart read")
    assert watcher.process.poll() is None

    returncode, output = watcher.stop()
    assert returncode == 0
    assert "Stopped" in output
    assert own_dovecot.seen(watcher.folder) == 2


@pytest.mark.slow
def test_a_server_without_idle_is_fetched_every_poll_interval(dovecot_without_idle, watcher_of):
    watcher = watcher_of(dovecot_without_idle, LOYALDESK_MAIL_POLL_SECONDS="1")
    watcher.start()
    dovecot_without_idle.deliver(watcher.folder, customer_email(1))
    eventually(lambda: watcher.cases() == 1, "the email read by polling")
    dovecot_without_idle.deliver(watcher.folder, customer_email(2))
    eventually(lambda: watcher.cases() == 2, "the next email read by polling")
    returncode, output = watcher.stop(signal.SIGINT)  # Ctrl-C
    assert returncode == 0
    assert "Stopped" in output


@pytest.mark.slow
def test_stopped_in_the_middle_of_a_fetch_it_finishes_the_batch_and_logs_out(dovecot, watcher_of):
    """SIGTERM while emails are being kept: whatever was kept is read and flagged seen."""
    watcher = watcher_of(dovecot)
    dovecot.deliver(watcher.folder, *(customer_email(n) for n in range(300)))
    watcher.start()
    eventually(
        lambda: watcher.count("SELECT count(*) FROM channels_receivedemail"),
        "the watcher began keeping the emails",
    )
    returncode, output = watcher.stop()
    assert returncode == 0
    assert "Stopped" in output
    kept = watcher.count("SELECT count(*) FROM channels_receivedemail")
    unread = watcher.count("SELECT count(*) FROM channels_receivedemail WHERE state = 'received'")
    assert kept == BATCH_SIZE, "the batch in hand was finished, no other begun"
    assert unread == 0
    assert watcher.cases() == kept
    assert dovecot.seen(watcher.folder) == kept
