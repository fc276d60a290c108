"""A Paris office calendar and two policies on it, shared by the service-level tests."""

from datetime import time

import pytest

from loyaldesk.service_levels.models import OpeningRange, Policy, ServiceCalendar


@pytest.fixture
def office(db):
    """Paris office hours with a lunch break, French public holidays."""
    calendar = ServiceCalendar.objects.create(
        name="Paris office", time_zone="Europe/Paris", holiday_country="FR"
    )
    for weekday in range(5):
        OpeningRange.objects.create(
            calendar=calendar, weekday=weekday, opens=time(9), closes=time(12, 30)
        )
        OpeningRange.objects.create(
            calendar=calendar, weekday=weekday, opens=time(14), closes=time(18)
        )
    return calendar


@pytest.fixture
def policies(office):
    """Urgent cases: 30 minutes to answer, 4 hours to resolve; the others 4 hours and 2 days."""
    urgent = Policy.objects.create(
        name="Urgent",
        position=10,
        calendar=office,
        priorities=["urgent"],
        first_response_minutes=30,
        next_response_minutes=30,
        resolution_minutes=240,
    )
    standard = Policy.objects.create(
        name="Standard",
        position=20,
        calendar=office,
        first_response_minutes=240,
        next_response_minutes=240,
        resolution_minutes=2 * 450,
    )
    return {"urgent": urgent, "standard": standard}
