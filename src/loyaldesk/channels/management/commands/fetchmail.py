import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from loyaldesk.channels.imap import MailboxUnreachable, fetch_all_mailboxes, fetch_mailbox
from loyaldesk.channels.models import Mailbox
from loyaldesk.channels.watching import watch_mailboxes


class Command(BaseCommand):
    help = (
        "Fetch the mailboxes over IMAP once: new messages are kept, then read into cases. "
        "With --watch, keep running and read new mail as it arrives, until SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mailbox", help="only the mailbox with this address")
        parser.add_argument(
            "--watch",
            action="store_true",
            help="keep running: wait for new mail (IMAP IDLE, else fetch every "
            "LOYALDESK_MAIL_POLL_SECONDS) and read it as it comes",
        )

    def handle(self, *args, mailbox: str | None, watch: bool, **options) -> None:
        box = None
        if mailbox:
            box = Mailbox.objects.filter(address__iexact=mailbox).first()
            if box is None:
                raise CommandError(f"no mailbox with the address {mailbox}")
        if watch:
            self._watch(mailbox)
            return
        if box is not None:
            try:
                reports = [fetch_mailbox(box)]
            except MailboxUnreachable as error:
                raise CommandError(str(error)) from error
        else:
            reports = fetch_all_mailboxes()
        for report in reports:
            if report.error:
                self.stderr.write(f"{report.mailbox}: not fetched: {report.error}")
            else:
                self.stdout.write(f"{report.mailbox}: {report.fetched} fetched, {report.read} read")
        failed = sum(1 for report in reports if report.error)
        if failed:
            raise CommandError(f"{failed} mailbox(es) could not be fetched")

    def _watch(self, address: str | None) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("Watching the mailboxes; stop with Ctrl-C or SIGTERM.")
        self.stdout.flush()
        watch_mailboxes(stop, address=address)
        self.stdout.write("Stopped: every mailbox logged out.")
