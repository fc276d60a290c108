"""Ready-made office calendars for France, Italy and the United Kingdom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.db import transaction

from loyaldesk.service_levels.models import OpeningRange, ServiceCalendar

WEEKDAYS = range(5)


@dataclass(frozen=True)
class OfficeHours:
    name: str
    time_zone: str
    holiday_country: str
    holiday_subdivision: str
    ranges: tuple[tuple[time, time], ...]


# Office hours as customers of each country expect them: a long lunch break in France and
# Italy, a continuous day in England.
DEFAULT_CALENDARS = {
    "fr": OfficeHours(
        "France (Paris)", "Europe/Paris", "FR", "", ((time(9), time(12, 30)), (time(14), time(18)))
    ),
    "it": OfficeHours(
        "Italia (Milano)", "Europe/Rome", "IT", "", ((time(9), time(13)), (time(14), time(18)))
    ),
    "en": OfficeHours(
        "United Kingdom (London)", "Europe/London", "GB", "ENG", ((time(9), time(17, 30)),)
    ),
}


@transaction.atomic
def install_default_calendars() -> dict[str, ServiceCalendar]:
    """The French, Italian and British calendars by language; one already there is kept as
    it is, so running this again never undoes a manager's changes."""
    installed = {}
    for language, hours in DEFAULT_CALENDARS.items():
        calendar, created = ServiceCalendar.objects.get_or_create(
            name=hours.name,
            defaults={
                "time_zone": hours.time_zone,
                "holiday_country": hours.holiday_country,
                "holiday_subdivision": hours.holiday_subdivision,
            },
        )
        if created:
            OpeningRange.objects.bulk_create(
                OpeningRange(calendar=calendar, weekday=weekday, opens=opens, closes=closes)
                for weekday in WEEKDAYS
                for opens, closes in hours.ranges
            )
        installed[language] = calendar
    return installed
