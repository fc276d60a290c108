"""Walk through issue 7's channels in the demo, as a new admin, agent and customer would.

Not a test: a re-runnable trial against real servers and a real browser, which prints what
happened at each step (PASS / FAIL, timings) and takes screenshots. It starts:

- a real IMAP server (Debian's Dovecot, from tests/dovecot.py) on loopback; must run as root,
- a real SMTP server (aiosmtpd's standalone server) writing every email to a Maildir,
- `loyaldesk serve` and `loyaldesk worker` on the demo's data directory (`serve` alone runs no
  background jobs: the mailbox fetch and the outbox need the worker), with the desk's own SMTP
  and the mailbox's SMTP both pointed at that server,
- Debian's Chromium through Playwright.

Then, in the browser: the admin adds a Mailbox in /admin/; Sophie Durand writes in (IMAP
APPEND); the agent of the General queue sees the case and replies; the reply is checked in the
Maildir; Sophie answers it; she signs in to the portal with the emailed link and replies with a
file; a visitor uses the contact form; the agent logs calls and looks at "Calls to return"; a
fax gateway's email becomes a fax.

Run from the repository root, as root (Dovecot stores mail as its `dovecot` user):

    LOYALDESK_DATA_DIR=/tmp/e2e-data .venv/bin/loyaldesk demo --no-serve --quiet   # once
    .venv/bin/python bench/try_channels.py --data-dir /tmp/e2e-data --shots /tmp/e2e-shots

Running it again on the same data directory works: the mailbox is updated rather than added,
and each run writes with subjects and Message-IDs of its own. The exit status is the number of
steps that failed.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import mailbox
import os
import random
import re
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from tests.dovecot import Dovecot, start_dovecot  # noqa: E402
from tests.ports import free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LOYALDESK = str(REPO / ".venv" / "bin" / "loyaldesk")
PYTHON = str(REPO / ".venv" / "bin" / "python")
MAILBOX_ADDRESS = "support@desk.example"
PASSWORD_VARIABLE = "SUPPORT_IMAP_PASSWORD"
SOPHIE = "sophie.durand@example.fr"
FAX_GATEWAY = "fax@gateway.example"
FAX_NUMBER = "+33 1 42 68 53 00"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
CASE_WAIT = 150  # seconds: the worker fetches mailboxes once a minute


@dataclass
class Trial:
    """What the walkthrough needs between steps, and what it found."""

    base_url: str
    shots: Path
    maildir: Path
    dovecot: Dovecot
    token: str
    smtp_port: int
    desk_environment: dict = field(default_factory=dict)
    results: list[tuple[str, bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    case_number: int | None = None
    sophie_message_id: str = ""
    reply: EmailMessage | None = None

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"    note: {text}", flush=True)

    def step(self, name: str, action: Callable[[], str], page: Page | None = None) -> bool:
        """Run one step; a failure is recorded with its reason and the walk goes on."""
        print(f"--- {name}", flush=True)
        started = time.monotonic()
        try:
            detail = action() or ""
            ok = True
        except Exception as error:
            detail = f"{type(error).__name__}: {error}".splitlines()[0][:400]
            traceback.print_exc()
            ok = False
            if page is not None:
                self.shot(page, f"FAILED-{re.sub(r'[^a-z0-9]+', '-', name.lower())[:40]}")
        took = time.monotonic() - started
        self.results.append((name, ok, f"{detail} ({took:.1f} s)"))
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail} ({took:.1f} s)", flush=True)
        return ok


# --- the servers -------------------------------------------------------------------------


def start_smtp(maildir: Path) -> tuple[subprocess.Popen, int]:
    """aiosmtpd's own command line server, storing every email in a Maildir."""
    port = free_port()
    handler = ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)]
    process = subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", *handler]
    )
    wait_for_port(port, process)
    return process, port


def start_desk(
    data_dir: Path, smtp_port: int, dovecot: Dovecot, log: Path, source: Path | None
) -> tuple[list, str, dict]:
    """`loyaldesk serve` and `loyaldesk worker`, as docs/configuration.md sets them up; from
    another copy of the source (`git archive HEAD`) when given, since the working tree may be
    in the middle of someone's change."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "LOYALDESK_DATA_DIR": str(data_dir),
        "LOYALDESK_HTTPS": "0",
        "LOYALDESK_PUBLIC_URL": base_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        PASSWORD_VARIABLE: dovecot.password,
    }
    if source is not None:
        environment["PYTHONPATH"] = str(source / "src")
        compile_translations(source)
    output = log.open("ab")
    processes = [
        subprocess.Popen(
            [LOYALDESK, "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen([LOYALDESK, "worker"], env=environment, stdout=output, stderr=output),
    ]
    wait_for_port(port, processes[0])
    return processes, base_url, environment


def compile_translations(source: Path) -> None:
    """The .mo files are built, not committed: a `git archive` copy needs them compiled."""
    for po in (source / "src" / "loyaldesk" / "locale").glob("*/LC_MESSAGES/django.po"):
        subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing listens on port {port}")


# --- mail ----------------------------------------------------------------------------------


def sophie_writes(trial: Trial) -> None:
    message = EmailMessage()
    message["From"] = f"Sophie Durand <{SOPHIE}>"
    message["To"] = f"Service client <{MAILBOX_ADDRESS}>"
    message["Subject"] = f"Ma cafetière fuit encore ({trial.token})"
    message["Date"] = format_datetime(datetime.now(UTC))
    trial.sophie_message_id = make_msgid(domain="example.fr")
    message["Message-ID"] = trial.sophie_message_id
    message.set_content(
        "Bonjour,\n\nJ'ai acheté une cafetière Aroma 300 le mois dernier et elle fuit par le "
        "dessous à chaque utilisation. Que puis-je faire ?\n\nCordialement,\nSophie Durand\n"
    )
    trial.dovecot.deliver("INBOX", message.as_bytes())


def emails_to(trial: Trial, address: str) -> list[EmailMessage]:
    found = []
    sent = mailbox.Maildir(trial.maildir)
    for key in sent.iterkeys():
        raw = sent.get_bytes(key)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        if address in str(parsed.get("X-RcptTo", "")) or address in str(parsed.get("To", "")):
            found.append(parsed)
    return found


def wait_for_email(trial: Trial, address: str, matches: Callable, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in emails_to(trial, address):
            if matches(message):
                return message
        time.sleep(1)
    raise TimeoutError(f"no matching email to {address} within {seconds:.0f} s")


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    return body.get_content() if body is not None else ""


# --- the browser ---------------------------------------------------------------------------


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()


def set_field(page: Page, name: str, value: str) -> None:
    page.locator(f"#id_{name}").fill(value)


def add_mailbox(trial: Trial, admin: Page) -> str:
    admin.goto("/admin/channels/mailbox/")
    trial.shot(admin, "01-admin-mailboxes")
    existing = admin.get_by_role("link", name="Support", exact=True)
    if existing.count():
        existing.first.click()
        action = "updated"
    else:
        admin.goto("/admin/channels/mailbox/add/")
        action = "added"
    set_field(admin, "name", "Support")
    set_field(admin, "address", MAILBOX_ADDRESS)
    admin.locator("#id_queue").select_option(label="General")
    set_field(admin, "imap_host", "127.0.0.1")
    set_field(admin, "imap_port", str(trial.dovecot.port))
    admin.locator("#id_imap_tls").set_checked(False)
    set_field(admin, "imap_user", trial.dovecot.user)
    set_field(admin, "imap_secret_env", PASSWORD_VARIABLE)
    set_field(admin, "folder", "INBOX")
    set_field(admin, "smtp_host", "127.0.0.1")
    set_field(admin, "smtp_port", str(trial.smtp_port))
    admin.locator("#id_smtp_security").select_option("none")
    set_field(admin, "signature", "Le service client")
    trial.shot(admin, "02-admin-mailbox-form")
    admin.locator("input[name=_save]").click()
    expect(admin.locator(".messagelist .success")).to_be_visible()
    trial.shot(admin, "03-admin-mailbox-saved")
    return f"mailbox {action}: IMAP 127.0.0.1:{trial.dovecot.port}, SMTP port {trial.smtp_port}"


def wait_for_case(trial: Trial, agent: Page, subject: str) -> str:
    started = time.monotonic()
    sophie_writes(trial)
    deadline = started + CASE_WAIT
    link = agent.get_by_role("link", name=subject)
    while True:
        agent.goto("/cases/?view=unassigned")
        if link.count():
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"no case '{subject}' in Unassigned after {CASE_WAIT} s")
        time.sleep(3)
    took = time.monotonic() - started
    trial.shot(agent, "04-agent-unassigned-with-new-case")
    trial.case_number = int(re.search(r"/cases/(\d+)/", link.first.get_attribute("href"))[1])
    return f"case #{trial.case_number} in the agent's Unassigned view {took:.0f} s after APPEND"


def agent_replies(trial: Trial, agent: Page) -> str:
    agent.goto(f"/cases/{trial.case_number}/")
    trial.shot(agent, "05-agent-case-page")
    agent.get_by_label("Reply to the customer").fill(
        "Bonjour Madame Durand,\n\nMerci pour votre message. Pourriez-vous nous envoyer une "
        "photo du dessous de la cafetière ? Nous organiserons ensuite l'échange."
    )
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.get_by_text("Reply queued for sending.")).to_be_visible()
    started = time.monotonic()
    trial.reply = wait_for_email(trial, SOPHIE, lambda m: "photo du dessous" in text_of(m))
    took = time.monotonic() - started
    agent.reload()
    trial.shot(agent, "06-agent-case-after-reply")
    reply = trial.reply
    problems = []
    if MAILBOX_ADDRESS not in str(reply["From"]):
        problems.append(f"From is {reply['From']!r}, not the mailbox")
    if f"#{trial.case_number}" not in str(reply["Subject"]):
        problems.append(f"Subject {reply['Subject']!r} lacks the case reference")
    if trial.sophie_message_id not in str(reply.get("In-Reply-To", "")):
        problems.append(f"In-Reply-To is {reply.get('In-Reply-To')!r}")
    if trial.sophie_message_id not in str(reply.get("References", "")):
        problems.append(f"References is {reply.get('References')!r}")
    (trial.shots / "reply.eml").write_bytes(reply.as_bytes())
    trial.note(f"reply From={reply['From']!r} Subject={reply['Subject']!r}")
    trial.note(f"reply body:\n{text_of(reply)}")
    if problems:
        raise AssertionError("; ".join(problems))
    return f"reply in the Maildir {took:.0f} s after 'Send reply', headers as expected"


def sophie_answers(trial: Trial, agent: Page) -> str:
    reply = trial.reply
    message = EmailMessage()
    message["From"] = f"Sophie Durand <{SOPHIE}>"
    message["To"] = str(reply["From"])
    message["Subject"] = f"Re: {reply['Subject']}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="example.fr")
    message["In-Reply-To"] = str(reply["Message-ID"])
    message["References"] = f"{trial.sophie_message_id} {reply['Message-ID']}"
    message.set_content(
        "Bonjour,\n\nVoici ce que je vois : une flaque sous la machine après chaque café.\n\n"
        "Sophie\n\n> Pourriez-vous nous envoyer une photo du dessous de la cafetière ?\n"
    )
    started = time.monotonic()
    trial.dovecot.deliver("INBOX", message.as_bytes())
    agent.goto(f"/cases/{trial.case_number}/")
    expect(agent.get_by_text("une flaque sous la machine")).to_be_visible(timeout=CASE_WAIT * 1000)
    took = time.monotonic() - started
    trial.shot(agent, "07-agent-sees-sophies-answer")
    return (
        f"Sophie's answer in case #{trial.case_number} on the open page {took:.0f} s after APPEND"
    )


def portal_reply(trial: Trial, sophie: Page, agent: Page) -> str:
    sophie.goto("/portal/sign-in/")
    trial.shot(sophie, "08-portal-sign-in")
    # Sophie's browser speaks French, so do the portal's labels: fields are found by their ids.
    sophie.locator("#id_email").fill(SOPHIE)
    asked = time.monotonic()
    sophie.locator("form button[type=submit]").last.click()
    trial.shot(sophie, "09-portal-link-sent")
    link_email = wait_for_email(trial, SOPHIE, lambda m: "/portal/sign-in/" in text_of(m))
    took = time.monotonic() - asked
    (trial.shots / "sign-in-link.eml").write_bytes(link_email.as_bytes())
    trial.note(f"sign-in email From={link_email['From']!r} Subject={link_email['Subject']!r}")
    trial.note(f"sign-in email body:\n{text_of(link_email)}")
    url = re.search(r"https?://\S+/portal/sign-in/\S+", text_of(link_email))[0]
    if not url.startswith(trial.base_url):
        raise AssertionError(f"the link {url} does not point at the desk {trial.base_url}")
    sophie.goto(url)
    trial.shot(sophie, "10-portal-link-confirm")
    sophie.locator("form button[type=submit]").last.click()
    trial.shot(sophie, "11-portal-my-cases")
    sophie.get_by_role("link", name=re.compile(re.escape(trial.token))).click()
    trial.shot(sophie, "12-portal-case")
    sophie.locator("#id_text").fill("Voici la photo demandée. Merci !")
    sophie.locator("input[type=file]").set_input_files(
        files=[{"name": "dessous-cafetiere.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    sophie.locator("form button[type=submit]").last.click()
    sophie.wait_for_load_state()
    trial.shot(sophie, "13-portal-after-reply")
    expect(sophie.get_by_text("Voici la photo demandée.")).to_be_visible()
    agent.goto(f"/cases/{trial.case_number}/")
    expect(agent.get_by_text("Voici la photo demandée.")).to_be_visible()
    expect(agent.get_by_role("link", name="dessous-cafetiere.pdf")).to_be_visible()
    trial.shot(agent, "14-agent-sees-portal-reply")
    return f"link email {took:.0f} s after asking; the reply and its file on the agent's page"


def contact_form(trial: Trial, visitor: Page, agent: Page) -> str:
    visitor.goto("/portal/contact/?lang=fr")
    trial.shot(visitor, "15-contact-form")
    subject = f"Question sur la garantie ({trial.token})"
    visitor.locator("#id_name").fill("Marc Lefèvre")
    visitor.locator("#id_email").fill(f"marc.lefevre.{trial.token}@example.fr")
    visitor.locator("#id_subject").fill(subject)
    visitor.locator("#id_message").fill("Bonjour, la garantie couvre-t-elle le moulin ? Merci.")
    visitor.locator("form button[type=submit]").last.click()
    visitor.wait_for_load_state()
    trial.shot(visitor, "16-contact-thanks")
    agent.goto("/cases/?view=unassigned")
    expect(agent.get_by_role("link", name=subject)).to_be_visible()
    trial.shot(agent, "17-agent-sees-contact-case")
    return f"thank-you page: {visitor.locator('h1').first.inner_text()!r}; case in Unassigned"


def log_calls(trial: Trial, agent: Page) -> str:
    agent.goto(f"/cases/{trial.case_number}/")
    agent.locator("#log-call summary").click()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    agent.get_by_label("Direction").select_option("inbound")
    agent.get_by_label("Outcome").select_option("answered")
    agent.get_by_label("Started").fill(now)
    agent.get_by_label("Duration in minutes").fill("4")
    agent.get_by_label("Notes").fill("Appel de Mme Durand : la fuite vient du réservoir.")
    trial.shot(agent, "18-log-call-form")
    agent.get_by_role("button", name="Log the call").click()
    agent.wait_for_load_state()
    expect(agent.get_by_text("la fuite vient du réservoir")).to_be_visible()
    trial.shot(agent, "19-call-in-thread")
    agent.locator("#log-call summary").click()
    agent.get_by_label("Direction").select_option("inbound")
    agent.get_by_label("Outcome").select_option("missed")
    agent.get_by_label("Started").fill(now)
    agent.get_by_label("Phone number").fill("+33 6 12 34 56 78")
    agent.get_by_role("button", name="Log the call").click()
    agent.wait_for_load_state()
    agent.get_by_role("link", name="Calls to return").click()
    trial.shot(agent, "20-calls-to-return")
    expect(agent.get_by_text(f"#{trial.case_number}").first).to_be_visible()
    return "answered call in the thread; the missed call listed in Calls to return"


def fax(trial: Trial, admin: Page, agent: Page) -> str:
    admin.goto("/admin/channels/mailbox/")
    admin.get_by_role("link", name="Support", exact=True).first.click()
    admin.locator("#id_fax_senders").fill(FAX_GATEWAY)
    admin.locator("input[name=_save]").click()
    expect(admin.locator(".messagelist .success")).to_be_visible()
    message = EmailMessage()
    message["From"] = f"Fax Gateway <{FAX_GATEWAY}>"
    message["To"] = MAILBOX_ADDRESS
    message["Subject"] = f"Fax from {FAX_NUMBER} (1 page) {trial.token}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="gateway.example")
    message.set_content("You have received a fax.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="fax-0001.pdf")
    started = time.monotonic()
    trial.dovecot.deliver("INBOX", message.as_bytes())
    deadline = started + CASE_WAIT
    row = admin.locator("#result_list tbody tr").first
    while True:
        admin.goto(f"/admin/channels/receivedemail/?q={message['Message-ID'].strip('<>')}")
        if row.count() and "not read yet" not in row.inner_text():
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"the fax made no case within {CASE_WAIT} s")
        time.sleep(3)
    took = time.monotonic() - started
    trial.shot(admin, "21-admin-received-fax")
    number = re.search(r"#(\d+)", row.inner_text())
    if number is None:
        raise AssertionError(f"the received fax made no case: {row.inner_text()!r}")
    agent.goto(f"/cases/{number[1]}/")
    trial.shot(agent, "22-agent-fax-case")
    expect(agent.get_by_role("link", name="fax-0001.pdf")).to_be_visible()
    return f"fax in case #{number[1]} {took:.0f} s after APPEND: {row.inner_text()!r}"


def fetchmail_once(trial: Trial) -> str:
    """`loyaldesk fetchmail` by hand: first without the password variable, as an admin who
    forgot to export it would, then with it."""
    environment = {**trial.desk_environment}
    del environment[PASSWORD_VARIABLE]
    command = [LOYALDESK, "fetchmail", "--mailbox", MAILBOX_ADDRESS]
    forgot = subprocess.run(command, env=environment, capture_output=True, text=True)
    trial.note(
        f"fetchmail without {PASSWORD_VARIABLE}: exit {forgot.returncode}, "
        f"output {(forgot.stdout + forgot.stderr).strip()[-300:]!r}"
    )
    message = EmailMessage()
    message["From"] = f"Sophie Durand <{SOPHIE}>"
    message["To"] = MAILBOX_ADDRESS
    message["Subject"] = f"Encore une question ({trial.token})"
    message["Message-ID"] = make_msgid(domain="example.fr")
    message.set_content("Bonjour, une autre question sur le détartrage. Sophie")
    trial.dovecot.deliver("INBOX", message.as_bytes())
    done = subprocess.run(command, env=trial.desk_environment, capture_output=True, text=True)
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or "1 fetched" not in output:
        raise AssertionError(f"fetchmail exit {done.returncode}: {output[-300:]!r}")
    return f"without the variable: exit {forgot.returncode}; with it: {output!r}"


# --- the walk ------------------------------------------------------------------------------


def walk(trial: Trial, credentials: dict) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )

        def new_page(language: str = "en-GB") -> Page:
            context = browser.new_context(base_url=trial.base_url, locale=language)
            page = context.new_page()
            page.set_default_timeout(20_000)
            return page

        admin, agent = new_page(), new_page()
        sophie, visitor = new_page("fr-FR"), new_page("fr-FR")
        sign_in(admin, "admin", credentials["admin"])
        sign_in(agent, "agent", credentials["agent"])
        subject = f"Ma cafetière fuit encore ({trial.token})"
        steps = [
            ("1 admin adds the mailbox", lambda: add_mailbox(trial, admin), admin),
            (
                "2 Sophie writes; the case appears",
                lambda: wait_for_case(trial, agent, subject),
                agent,
            ),
            ("3 the agent replies by email", lambda: agent_replies(trial, agent), agent),
            ("4 Sophie answers the reply", lambda: sophie_answers(trial, agent), agent),
            (
                "5a portal sign-in link and reply",
                lambda: portal_reply(trial, sophie, agent),
                sophie,
            ),
            ("5b contact form", lambda: contact_form(trial, visitor, agent), visitor),
            ("6 phone calls", lambda: log_calls(trial, agent), agent),
            ("7 fax gateway", lambda: fax(trial, admin, agent), admin),
            ("8 loyaldesk fetchmail once", lambda: fetchmail_once(trial), None),
        ]
        for name, action, page in steps:
            if not trial.step(name, action, page) and name.startswith(("1", "2")):
                print("the case is needed by every later step: stopping", flush=True)
                break
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/e2e-data"))
    parser.add_argument("--shots", type=Path, default=Path("/tmp/e2e-shots"))
    parser.add_argument(
        "--source",
        type=Path,
        help="run the desk from this copy of the repository (e.g. `git archive HEAD` unpacked)",
    )
    options = parser.parse_args()
    credentials_file = options.data_dir / "demo-credentials.json"
    if not credentials_file.exists():
        subprocess.run(
            [LOYALDESK, "demo", "--no-serve", "--quiet"],
            env={**os.environ, "LOYALDESK_DATA_DIR": str(options.data_dir)},
            check=True,
        )
    credentials = json.loads(credentials_file.read_text())
    options.shots.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="try-channels-"))
    work.chmod(0o755)  # Dovecot reads its files as its own user
    maildir = work / "sent-mail"
    dovecot = start_dovecot(work / "dovecot")
    smtp, smtp_port = start_smtp(maildir)
    desk, base_url, environment = start_desk(
        options.data_dir, smtp_port, dovecot, options.shots / "desk.log", options.source
    )
    token = "".join(random.choices(string.ascii_lowercase, k=6))
    trial = Trial(base_url, options.shots, maildir, dovecot, token, smtp_port, environment)
    print(f"desk {base_url}, IMAP port {dovecot.port}, SMTP port {smtp_port}, run {token}")
    try:
        walk(trial, credentials)
    finally:
        for process in [*desk, smtp]:
            process.terminate()
            process.wait(timeout=30)
        dovecot.stop()
        shutil.copytree(maildir, options.shots / "sent-mail", dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    print("\nSummary")
    for name, ok, detail in trial.results:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    print(
        f"Screenshots, every email sent (sent-mail/, a Maildir) and the desk's log (desk.log): "
        f"{options.shots}"
    )
    return sum(not ok for _, ok, _ in trial.results)


if __name__ == "__main__":
    sys.exit(main())
