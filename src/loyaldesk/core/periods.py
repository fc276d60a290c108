"""Report periods: whole days in the desk's time zone, between dates the arithmetic reaches."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Outside these, a period's day arithmetic (a day before, a day after) overflows Python's dates.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)


def within_reach(day: date) -> None:
    """Refuse a date the period arithmetic cannot reach (a form or schema validator)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(_("Pick a date between 1970 and 9998."))


def start_of_day(day: date) -> datetime:
    """Midnight at the start of a date, in the desk's time zone (where reports cut days)."""
    return timezone.make_aware(datetime.combine(day, time.min))
