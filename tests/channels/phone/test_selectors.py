"""Call figures per hour and per day: what staffing and "hung up on poor service" read."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from loyaldesk.channels.phone.models import Call
from loyaldesk.channels.phone.selectors import call_figures
from tests.conftest import T0

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _call(minutes: int, outcome: str, wait: int | None, direction: str = "inbound", **fields):
    return Call.objects.create(
        source="telephony",
        external_id=f"c{Call.objects.count()}",
        direction=direction,
        outcome=outcome,
        started_at=T0 + timedelta(minutes=minutes),
        wait_seconds=wait,
        **fields,
    )


@pytest.fixture
def calls(db):
    """09:00-10:00 UTC: three answered, a long and a short abandon, a missed call; 10:00-11:00:
    one answered and a voicemail; and calls the figures leave out."""
    _call(0, "answered", 20)
    _call(10, "answered", 40)
    _call(20, "answered", 90)
    _call(30, "abandoned", 200)
    _call(35, "abandoned", 3)
    _call(40, "missed", None)
    _call(70, "answered", 10)
    _call(80, "voicemail", 60)
    _call(50, "answered", 5, direction="outbound")  # ours: not offered to the desk
    _call(55, "in_progress", None)  # still waiting: no outcome yet
    _call(-60 * 24, "answered", 5)  # the day before


def test_figures_per_hour(calls):
    first, second = call_figures(T0, T0 + timedelta(hours=2), "hour")

    assert first.start == T0
    assert (first.offered, first.answered, first.missed, first.voicemail) == (6, 3, 1, 0)
    assert (first.abandoned, first.short_abandoned) == (1, 1)
    assert first.mean_answer_wait == pytest.approx(50)
    assert first.longest_answer_wait == 90
    assert first.mean_abandon_wait == pytest.approx(200)
    assert first.abandon_rate == pytest.approx(1 / 5)  # the short abandon counts on neither side
    assert second.start == T0 + timedelta(hours=1)
    assert (second.offered, second.answered, second.voicemail, second.abandoned) == (2, 1, 1, 0)
    assert second.mean_abandon_wait is None
    assert second.abandon_rate == 0


def test_figures_per_day_in_a_time_zone(calls):
    rows = call_figures(T0 - timedelta(days=2), T0 + timedelta(days=1), "day", time_zone=PARIS)

    assert [row.start.date().isoformat() for row in rows] == ["2026-03-01", "2026-03-02"]
    assert rows[0].start.tzinfo is not None
    assert [row.offered for row in rows] == [1, 8]


def test_the_short_abandon_threshold_is_configurable(calls, monkeypatch):
    monkeypatch.setenv("LOYALDESK_PHONE_SHORT_ABANDON_SECONDS", "2")

    (first, _) = call_figures(T0, T0 + timedelta(hours=2))

    assert (first.abandoned, first.short_abandoned) == (2, 0)


def test_figures_of_one_queue(calls, queue, repairs_queue):
    _call(15, "answered", 30, queue=repairs_queue)

    (only,) = call_figures(T0, T0 + timedelta(hours=2), queue=repairs_queue)

    assert (only.offered, only.answered, only.mean_answer_wait) == (1, 1, 30)
