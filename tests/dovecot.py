"""A real Dovecot IMAP server on loopback for the tests, from Debian's dovecot-imapd.

Started once per test session in a temporary directory with its own configuration: one
user whose password is in a passwd-file, maildirs owned by the `dovecot` system user (the
tests run as root in CI, and Dovecot refuses to store mail as root).
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
USER = "support@desk.example"
PASSWORD = "imap-test-secret"
CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    """The running server: where it listens and how to put mail into it."""

    root: Path
    port: int
    process: subprocess.Popen
    user: str = USER
    password: str = PASSWORD

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(self.user, self.password)
        return imap

    def new_folder(self) -> str:
        """A folder of its own for one test."""
        folder = f"test-{uuid.uuid4().hex[:12]}"
        imap = self.connect()
        try:
            status, _ = imap.create(folder)
            assert status == "OK", f"could not create {folder}"
        finally:
            imap.logout()
        return folder

    def deliver(self, folder: str, *messages: bytes) -> None:
        """Put messages into a folder as a mail server delivers them (IMAP APPEND)."""
        imap = self.connect()
        try:
            for raw in messages:
                status, _ = imap.append(folder, None, None, raw)
                assert status == "OK"
        finally:
            imap.logout()

    def seen(self, folder: str) -> int:
        imap = self.connect()
        try:
            imap.select(folder)
            _, data = imap.search(None, "SEEN")
            return len(data[0].split())
        finally:
            imap.logout()

    def kick(self) -> None:
        """Drop every client connection, as a server under maintenance does (doveadm kick)."""
        config = self.root / "dovecot.conf"
        subprocess.run([DOVEADM, "-c", str(config), "kick", self.user], check=True)

    def restart(self) -> None:
        """Stop the server, as an admin's restart does (its clients get BYE and lose their
        connection), and start it again on the same port."""
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")])
        _wait_until_listening(self)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot(root: Path, extra_config: str = "") -> Dovecot:
    """Start Dovecot in the foreground under `root`, its configuration ending with
    `extra_config`; fail loudly if it is not installed."""
    if not Path(DOVECOT).exists():
        raise RuntimeError("Dovecot is missing: apt-get install dovecot-imapd (.ci/run does)")
    owner = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    for name in ("run", "state", "home"):
        (root / name).mkdir(exist_ok=True)
    os.chown(root / "home", *owner)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(root=root, uid=owner[0], gid=owner[1], port=port) + extra_config
    )
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)])
    server = Dovecot(root, port, process)
    _wait_until_listening(server)
    return server


def _wait_until_listening(server: Dovecot) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            server.connect().logout()
            return
        except (OSError, imaplib.IMAP4.error):
            if time.monotonic() > deadline or server.process.poll() is not None:
                log = server.root / "dovecot.log"
                raise RuntimeError(
                    f"Dovecot did not start: {log.read_text() if log.exists() else ''}"
                ) from None
            time.sleep(0.1)
