from django.core.management.base import BaseCommand

from loyaldesk.surveys.tallies import rebuild


class Command(BaseCommand):
    help = (
        "Count every survey answer and invitation afresh into the counts the reports read "
        "(after rows were imported or deleted around the application, or the time zone changed)."
    )

    def handle(self, *args, **options) -> None:
        scores, invitations = rebuild()
        self.stdout.write(f"{scores} score counts, {invitations} invitation counts")
