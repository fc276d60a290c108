from django.core.management.base import BaseCommand, CommandError

from loyaldesk.accounts.models import User
from loyaldesk.accounts.tokens import issue_token


class Command(BaseCommand):
    help = "Issue a REST API token for a user and print it once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. 'shop integration'.")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        _, clear = issue_token(user, name)
        self.stdout.write(clear)
