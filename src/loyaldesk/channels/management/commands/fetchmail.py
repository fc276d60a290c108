from django.core.management.base import BaseCommand, CommandError

from loyaldesk.channels.imap import MailboxUnreachable, fetch_all_mailboxes, fetch_mailbox
from loyaldesk.channels.models import Mailbox


class Command(BaseCommand):
    help = "Fetch the mailboxes over IMAP once: new messages are kept, then read into cases."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mailbox", help="only the mailbox with this address")

    def handle(self, *args, mailbox: str | None, **options) -> None:
        if mailbox:
            box = Mailbox.objects.filter(address__iexact=mailbox).first()
            if box is None:
                raise CommandError(f"no mailbox with the address {mailbox}")
            try:
                reports = [fetch_mailbox(box)]
            except MailboxUnreachable as error:
                raise CommandError(str(error)) from error
        else:
            reports = fetch_all_mailboxes()
        for report in reports:
            self.stdout.write(f"{report.mailbox}: {report.fetched} fetched, {report.read} read")
