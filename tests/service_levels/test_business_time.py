"""Business-time arithmetic against a brute-force reference that walks minute by minute."""

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyaldesk.service_levels.business_time import (
    NEVER,
    Calendar,
    CalendarError,
    add_business_time,
    business_seconds_between,
)

ZONES = [
    "Europe/Paris",
    "Europe/London",
    "Europe/Rome",
    "America/New_York",
    "Australia/Lord_Howe",  # a DST shift of half an hour
    "Asia/Kolkata",  # an offset of +5:30 and no DST
    "UTC",
]

# Instants the arithmetic tends to get wrong: DST changes of the zones above, midnights around
# them, a new year, and holidays of FR, IT and GB.
HARD_INSTANTS = [
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # Europe springs forward
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # Europe falls back
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # New York springs forward
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),  # New York falls back
    datetime(2026, 4, 4, 15, 0, tzinfo=UTC),  # Lord Howe falls back half an hour
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),  # Lord Howe springs forward half an hour
    datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
    datetime(2026, 5, 1, 0, 0, tzinfo=UTC),  # Labour day in France and Italy
    datetime(2026, 12, 25, 0, 0, tzinfo=UTC),
]


@st.composite
def day_ranges(draw) -> tuple[tuple[int, int], ...]:
    """Zero to three opening ranges in one day, on any minute, possibly touching midnight."""
    cuts = sorted(draw(st.sets(st.integers(0, 24 * 60), max_size=6)))
    cuts = cuts[: len(cuts) // 2 * 2]
    return tuple((cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2))


@st.composite
def calendars(draw) -> Calendar:
    country = draw(st.sampled_from(["", "FR", "IT", "GB"]))
    closures = draw(
        st.frozensets(st.dates(date(2026, 3, 1), date(2027, 1, 5)), max_size=8),
    )
    return Calendar(
        time_zone=draw(st.sampled_from(ZONES)),
        week=tuple(draw(day_ranges()) for _ in range(7)),
        holiday_country=country,
        holiday_subdivision="ENG" if country == "GB" else "",
        closures=closures,
    )


@st.composite
def instants(draw) -> int:
    """Minute-aligned epoch seconds near a hard instant."""
    base = int(draw(st.sampled_from(HARD_INSTANTS)).timestamp())
    return base + 60 * draw(st.integers(-3 * 24 * 60, 3 * 24 * 60))


@lru_cache(maxsize=256)
def closed_days(calendar: Calendar) -> frozenset[date]:
    return calendar.closed_days(2025, 2028)


def open_minute(calendar: Calendar, minute_start: int) -> bool:
    """Is the calendar open during the minute that starts at this epoch second? By definition."""
    local = datetime.fromtimestamp(minute_start, ZoneInfo(calendar.time_zone))
    if local.date() in closed_days(calendar):
        return False
    minute_of_day = local.hour * 60 + local.minute
    return any(start <= minute_of_day < end for start, end in calendar.week[local.weekday()])


def brute_between(calendar: Calendar, start: int, end: int) -> int:
    return 60 * sum(open_minute(calendar, minute) for minute in range(start, end, 60))


def brute_add(calendar: Calendar, start: int, minutes: int, limit: int) -> int | None:
    """The end of the minute in which the minutes-th open minute ends, or None before limit."""
    if minutes == 0:
        return start
    counted = 0
    for minute in range(start, limit, 60):
        counted += open_minute(calendar, minute)
        if counted == minutes:
            return minute + 60
    return None


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(calendar=calendars(), start=instants(), minutes=st.integers(0, 4 * 24 * 60))
def test_open_seconds_between_two_instants_match_minute_by_minute_count(calendar, start, minutes):
    clock = calendar.clock(2025, 2028)
    end = start + 60 * minutes
    assert int(clock.between(start, end)) == brute_between(calendar, start, end)
    assert int(clock.between(end, start)) == -brute_between(calendar, start, end)


@PROPERTY
@given(calendar=calendars(), start=instants(), minutes=st.integers(0, 3 * 24 * 60))
def test_adding_business_time_lands_on_the_first_instant_with_that_much_open_time(
    calendar, start, minutes
):
    clock = calendar.clock(2025, 2028)
    horizon = start + 60 * (minutes + 14 * 24 * 60)
    expected = brute_add(calendar, start, minutes, horizon)
    found = int(clock.add(start, 60 * minutes))
    if expected is None:
        assert found > horizon or found == NEVER
    else:
        assert found == expected
        assert int(clock.between(start, found)) == 60 * minutes


@PROPERTY
@given(calendar=calendars(), moment=instants())
def test_an_instant_is_open_exactly_when_its_minute_is(calendar, moment):
    clock = calendar.clock(2025, 2028)
    assert bool(clock.is_open(moment)) == open_minute(calendar, moment)
    assert bool(clock.is_open(moment + 59)) == open_minute(calendar, moment)


@PROPERTY
@given(calendar=calendars(), start=instants(), a=st.integers(0, 3000), b=st.integers(0, 3000))
def test_business_time_adds_up(calendar, start, a, b):
    clock = calendar.clock(2025, 2028)
    after_a = int(clock.add(start, 60 * a))
    if after_a == NEVER:
        return
    assert int(clock.add(after_a, 60 * b)) == int(clock.add(start, 60 * (a + b))) or b == 0


PARIS = ZoneInfo("Europe/Paris")
OFFICE = ((9 * 60, 12 * 60 + 30), (14 * 60, 18 * 60))  # a lunch break
FRENCH_OFFICE = Calendar("Europe/Paris", (OFFICE,) * 5 + ((), ()), holiday_country="FR")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def test_four_business_hours_from_friday_afternoon_skip_the_weekend_and_lunch():
    due = add_business_time(FRENCH_OFFICE, paris(2026, 11, 20, 16, 0), timedelta(hours=4))
    # Friday 16:00-18:00 gives two hours, Monday 09:00-11:00 the other two.
    assert due == paris(2026, 11, 23, 11, 0)


def test_a_request_at_lunch_starts_counting_after_lunch():
    due = add_business_time(FRENCH_OFFICE, paris(2026, 11, 24, 12, 45), timedelta(hours=1))
    assert due == paris(2026, 11, 24, 15, 0)


def test_public_holidays_and_custom_closures_are_closed():
    with_bridge = Calendar(
        "Europe/Paris", (OFFICE,) * 5 + ((), ()), "FR", closures=frozenset({date(2026, 5, 15)})
    )
    # Thursday 14 May 2026 is Ascension Day; Friday 15 May is the company's bridge day.
    start = paris(2026, 5, 13, 17, 0)
    assert add_business_time(with_bridge, start, timedelta(hours=2)) == paris(2026, 5, 18, 10, 0)
    assert business_seconds_between(with_bridge, start, paris(2026, 5, 18, 9, 0)) == 3600


def test_a_round_the_clock_sunday_is_23_hours_when_the_clocks_go_forward():
    always = Calendar("Europe/Paris", (((0, 24 * 60),),) * 7)
    seconds = business_seconds_between(always, paris(2026, 3, 29, 0, 0), paris(2026, 3, 30, 0, 0))
    assert seconds == 23 * 3600
    seconds = business_seconds_between(always, paris(2026, 10, 25, 0, 0), paris(2026, 10, 26, 0, 0))
    assert seconds == 25 * 3600


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ((((9 * 60, 8 * 60),),) * 7, "not within one day"),
        ((((9 * 60, 12 * 60), (11 * 60, 14 * 60)),) * 7, "overlap"),
        ((((0, 25 * 60),),) * 7, "not within one day"),
    ],
)
def test_impossible_opening_hours_are_refused_with_a_reason(week, message):
    with pytest.raises(CalendarError, match=message):
        Calendar("Europe/Paris", week)


def test_unknown_zones_and_countries_are_refused():
    with pytest.raises(CalendarError, match="time zone"):
        Calendar("Europe/Atlantis", (OFFICE,) * 7)
    with pytest.raises(CalendarError, match="holidays"):
        Calendar("Europe/Paris", (OFFICE,) * 7, holiday_country="XX")


def test_a_calendar_that_is_never_open_never_comes_due():
    closed = Calendar("UTC", ((),) * 7)
    with pytest.raises(CalendarError, match="no open time"):
        add_business_time(closed, paris(2026, 1, 5, 9, 0), timedelta(minutes=1))
