import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loyaldesk.channels.models import Mailbox
from loyaldesk.channels.receiving import keep_email, read_email


class Command(BaseCommand):
    help = (
        "Receive emails from .eml files (or one from standard input, as a mail server's pipe "
        "delivers it): each is kept as it came, then read into its case."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="raw emails; none reads stdin")
        parser.add_argument("--mailbox", help="the address of the mailbox they came to")

    def handle(self, *args, files: list[Path], mailbox: str | None, **options) -> None:
        box = None
        if mailbox:
            box = Mailbox.objects.filter(address__iexact=mailbox).first()
            if box is None:
                raise CommandError(f"no mailbox with the address {mailbox}")
        sources = [path.read_bytes() for path in files] or [sys.stdin.buffer.read()]
        for raw in sources:
            received = read_email(keep_email(raw, mailbox=box))
            case = received.case.reference if received.case else "-"
            self.stdout.write(f"{received.pk} {received.state} {case} {received.reason}".rstrip())
