from django.core.management.base import BaseCommand

from loyaldesk.service_levels.defaults import install_default_calendars


class Command(BaseCommand):
    help = "Install office calendars for France, Italy and the United Kingdom (kept if present)."

    def handle(self, *args, **options) -> None:
        for calendar in install_default_calendars().values():
            self.stdout.write(f"{calendar.name}: {calendar.time_zone}")
