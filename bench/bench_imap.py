"""Ingesting email from a local IMAP server: messages per second and peak memory.

Run (as root, like the tests: Dovecot stores mail as its own user):
    .venv/bin/python bench/bench_imap.py [--emails 10000]

A Dovecot of Debian's started for the run gets N messages by IMAP APPEND (not timed): new
cases from 2,000 customers of a French, Italian and British shop, a third of them replies
that carry a case reference, one in ten with a small attachment. Then `loyaldesk fetchmail`
runs once in its own process on a fresh SQLite database with one mailbox: every message is
fetched, its bytes kept, read, threaded or opened as a case, with its SLA timers. Timed: the
whole fetchmail process, in wall time and in CPU time (which other work on a shared machine
disturbs less); peak memory: its maximum resident set size. Baseline in the same
run: the same messages only fetched over IMAP (BODY.PEEK[]) by the same client library,
which is what the server and the network cost without the desk's work.
"""

from __future__ import annotations

import argparse
import imaplib
import json
import os
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.dovecot import start_dovecot  # noqa: E402

TEXTS = {
    "fr": ("Bonjour, ma commande {n} n'est pas arrivée. Pouvez-vous vérifier ?", "Commande {n}"),
    "it": ("Buongiorno, l'ordine {n} non è arrivato. Potete controllare?", "Ordine {n}"),
    "en": ("Hello, my order {n} has not arrived. Could you check?", "Order {n}"),
}
SETUP = """
from loyaldesk.channels.models import Mailbox
from loyaldesk.desk.models import Queue
from loyaldesk.demo.service_levels import install_demo_policies
queue = Queue.objects.create(name="Support", slug="support")
install_demo_policies()
Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue,
    imap_host="127.0.0.1", imap_port={port}, imap_tls=False, imap_user="{user}",
    imap_secret_env="BENCH_IMAP_SECRET", folder="INBOX")
"""


def emails(count: int, seed: int = 5) -> list[bytes]:
    rng = Random(seed)
    made = []
    for number in range(count):
        language = rng.choice(list(TEXTS))
        customer = rng.randrange(2000)
        text, subject = TEXTS[language]
        message = EmailMessage()
        message["From"] = f"Client {customer} <client{customer}@example.{language}>"
        message["To"] = "support@desk.example"
        reply = number > 100 and rng.random() < 1 / 3
        # Case numbers start at 1; a reply names one of the cases opened before it.
        reference = f" [#{rng.randrange(1, number // 2)}]" if reply else ""
        message["Subject"] = ("Re: " if reply else "") + subject.format(n=number) + reference
        message["Message-ID"] = make_msgid(idstring=str(number), domain=f"example.{language}")
        message.set_content(text.format(n=number))
        if rng.random() < 0.1:
            message.add_attachment(
                rng.randbytes(20_000), maintype="image", subtype="jpeg", filename="photo.jpg"
            )
        made.append(message.as_bytes())
    return made


def fetch_only(server, count: int) -> float:
    """The baseline: fetch every message's bytes, nothing else."""
    began = time.perf_counter()
    imap = server.connect()
    imap.select("INBOX", readonly=True)
    _, data = imap.uid("SEARCH", None, "ALL")
    uids = data[0].split()
    for uid in uids:
        imap.uid("FETCH", uid, "(BODY.PEEK[])")
    imap.logout()
    assert len(uids) == count
    return time.perf_counter() - began


def loyaldesk(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "loyaldesk", *args], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-imap-"))
    work.chmod(0o755)  # Dovecot reads its files as its own user
    server = start_dovecot(work / "dovecot")
    try:
        messages = emails(args.emails)
        imap = server.connect()
        for raw in messages:
            imap.append("INBOX", None, None, raw)
        imap.logout()
        baseline = fetch_only(server, args.emails)
        env = {
            **os.environ,
            "LOYALDESK_DATA_DIR": str(work / "data"),
            "DATABASE_URL": f"sqlite:///{work / 'data' / 'desk.sqlite3'}",
            "BENCH_IMAP_SECRET": server.password,
        }
        (work / "data").mkdir()
        loyaldesk(env, "manage", "migrate", "--verbosity", "0")
        loyaldesk(env, "manage", "shell", "-c", SETUP.format(port=server.port, user=server.user))
        began = time.perf_counter()
        fetching = subprocess.Popen([sys.executable, "-m", "loyaldesk", "fetchmail"], env=env)
        _, status, usage = os.wait4(fetching.pid, 0)
        seconds = time.perf_counter() - began
        assert os.waitstatus_to_exitcode(status) == 0, "fetchmail failed"
        peak_kib = usage.ru_maxrss
        with imaplib.IMAP4("127.0.0.1", server.port) as check:
            check.login(server.user, server.password)
            check.select("INBOX")
            seen = len(check.search(None, "SEEN")[1][0].split())
    finally:
        server.stop()
    result = {
        "emails": args.emails,
        "megabytes": round(sum(map(len, messages)) / 1e6, 1),
        "fetchmail_seconds": round(seconds, 2),
        "messages_per_second": round(args.emails / seconds, 1),
        "fetchmail_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "messages_per_cpu_second": round(args.emails / (usage.ru_utime + usage.ru_stime), 1),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "fetch_only_seconds": round(baseline, 2),
        "fetch_only_messages_per_second": round(args.emails / baseline, 1),
        "flagged_seen": seen,
    }
    print(json.dumps(result, indent=2))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
