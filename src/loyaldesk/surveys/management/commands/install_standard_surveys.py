from django.core.management.base import BaseCommand

from loyaldesk.surveys.standard import install_standard_surveys


class Command(BaseCommand):
    help = "Create the standard surveys (after a resolution, after a repair, relationship NPS)."

    def handle(self, *args, **options) -> None:
        for survey in install_standard_surveys():
            self.stdout.write(f"{survey.name}: {survey.questions.count()} questions")
