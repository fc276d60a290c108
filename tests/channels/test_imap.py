"""Fetching a real IMAP mailbox (Dovecot): messages kept by UID, read into cases, flagged
seen; a fetch killed mid-batch and run again loses and duplicates nothing."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from loyaldesk.channels.imap import MailboxUnreachable, fetch_mailbox
from loyaldesk.channels.models import Mailbox, ReceivedEmail, ReceivedState
from loyaldesk.desk.models import Case, Message

SECRET_ENV = "LOYALDESK_TEST_IMAP_SECRET"


def customer_email(number: int, sender: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = sender or f"Cliente {number} <cliente{number}@example.it>"
    message["To"] = "support@desk.example"
    message["Subject"] = f"Richiesta numero {number}"
    message["Message-ID"] = make_msgid(idstring=str(number), domain="example.it")
    message.set_content(f"Buongiorno, è la richiesta {number}.")
    return message.as_bytes()


@pytest.fixture
def imap_mailbox(dovecot, queue, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, dovecot.password)
    return Mailbox.objects.create(
        name="Support",
        address="support@desk.example",
        queue=queue,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_tls=False,
        imap_user=dovecot.user,
        imap_secret_env=SECRET_ENV,
        folder=dovecot.new_folder(),
    )


def test_new_messages_become_cases_once_and_are_flagged_seen(dovecot, imap_mailbox):
    dovecot.deliver(imap_mailbox.folder, *(customer_email(n) for n in range(3)))
    report = fetch_mailbox(imap_mailbox)
    assert report.fetched == 3
    assert Case.objects.filter(queue=imap_mailbox.queue).count() == 3
    kept = ReceivedEmail.objects.filter(mailbox=imap_mailbox)
    assert sorted(kept.values_list("uid", flat=True)) == [1, 2, 3]
    assert set(kept.values_list("state", flat=True)) == {ReceivedState.ADDED}
    assert dovecot.seen(imap_mailbox.folder) == 3

    dovecot.deliver(imap_mailbox.folder, customer_email(3))
    assert fetch_mailbox(imap_mailbox).fetched == 1
    assert fetch_mailbox(imap_mailbox).fetched == 0
    assert Case.objects.count() == 4


def test_a_wrong_password_or_folder_is_reported_not_swallowed(dovecot, imap_mailbox, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "wrong")
    with pytest.raises(MailboxUnreachable, match="Support"):
        fetch_mailbox(imap_mailbox)
    with pytest.raises(CommandError):
        call_command("fetchmail", "--mailbox", imap_mailbox.address)
    monkeypatch.setenv(SECRET_ENV, dovecot.password)
    imap_mailbox.folder = "no-such-folder"
    with pytest.raises(MailboxUnreachable, match="no folder"):
        fetch_mailbox(imap_mailbox)
    monkeypatch.delenv(SECRET_ENV)
    with pytest.raises(MailboxUnreachable, match="is not set"):
        fetch_mailbox(imap_mailbox)


SETUP = """
from loyaldesk.channels.models import Mailbox
from loyaldesk.desk.models import Queue
queue = Queue.objects.create(name="Support", slug="support")
Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue,
    imap_host="127.0.0.1", imap_port={port}, imap_tls=False, imap_user="{user}",
    imap_secret_env="{env}", folder="{folder}")
"""


def loyaldesk(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "loyaldesk", *args], env=env)


def test_a_fetch_killed_mid_batch_and_run_again_loses_and_duplicates_nothing(dovecot, tmp_path):
    """The real thing: a `loyaldesk fetchmail` process killed with SIGKILL while it works."""
    total = 150
    folder = dovecot.new_folder()
    dovecot.deliver(folder, *(customer_email(n) for n in range(total)))
    database = tmp_path / "desk.sqlite3"
    env = {
        **os.environ,
        "LOYALDESK_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        SECRET_ENV: dovecot.password,
    }
    assert loyaldesk("manage", "migrate", "--verbosity", "0", env=env).wait() == 0
    setup = SETUP.format(port=dovecot.port, user=dovecot.user, env=SECRET_ENV, folder=folder)
    assert loyaldesk("manage", "shell", "-c", setup, env=env).wait() == 0

    def kept() -> int:
        with sqlite3.connect(database, timeout=20) as db:
            return db.execute("SELECT count(*) FROM channels_receivedemail").fetchone()[0]

    fetching = loyaldesk("fetchmail", env=env)
    deadline = time.monotonic() + 120
    while kept() < total // 3 and time.monotonic() < deadline and fetching.poll() is None:
        time.sleep(0.05)
    fetching.send_signal(signal.SIGKILL)
    fetching.wait()
    assert 0 < kept() < total, "the fetch was killed in the middle of the batch"

    assert loyaldesk("fetchmail", env=env).wait() == 0
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT uid, state FROM channels_receivedemail").fetchall()
        ids = db.execute("SELECT external_id FROM desk_message WHERE kind = 'inbound'").fetchall()
        cases = db.execute("SELECT count(*) FROM desk_case").fetchone()[0]
    assert sorted(uid for uid, _ in rows) == list(range(1, total + 1))
    assert {state for _, state in rows} == {"added"}
    assert len(ids) == len(set(ids)) == total
    assert cases == total
    assert dovecot.seen(folder) == total


def test_an_email_already_received_through_another_mailbox_is_not_added_again(
    dovecot, imap_mailbox
):
    raw = customer_email(99)
    dovecot.deliver(imap_mailbox.folder, raw, raw)  # the same message twice in the folder
    assert fetch_mailbox(imap_mailbox).fetched == 2
    states = sorted(ReceivedEmail.objects.values_list("state", flat=True))
    assert states == [ReceivedState.ADDED, ReceivedState.DUPLICATE]
    assert Message.objects.count() == 1


def test_the_admin_sees_when_a_mailbox_was_last_fetched_and_why_it_failed(
    dovecot, imap_mailbox, monkeypatch, admin_client
):
    monkeypatch.setenv(SECRET_ENV, "wrong")
    with pytest.raises(CommandError, match="1 mailbox"):  # the command fails, not only logs
        call_command("fetchmail", stderr=StringIO())
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_fetch_at is not None
    assert "AUTHENTICATIONFAILED" in imap_mailbox.last_fetch_error
    listing = admin_client.get(reverse("admin:channels_mailbox_changelist")).content.decode()
    assert "AUTHENTICATIONFAILED" in listing

    monkeypatch.setenv(SECRET_ENV, dovecot.password)
    out = StringIO()
    call_command("fetchmail", stdout=out)
    assert "0 fetched" in out.getvalue()
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_fetch_error == ""
