"""The repair stage rules, turnaround and the repeat rule, without a database."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from loyaldesk.repairs.stages import (
    NEXT,
    Blocker,
    Entry,
    Safeguards,
    Stage,
    blockers,
    is_repeat,
    turnaround,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
COVERED = Safeguards(in_warranty=True)


def test_the_usual_path_is_allowed_step_by_step():
    path = [
        Stage.RECEIVED,
        Stage.DIAGNOSING,
        Stage.WAITING_FOR_PARTS,
        Stage.REPAIRING,
        Stage.QUALITY_CHECK,
        Stage.READY,
        Stage.RETURNED,
    ]
    for current, target in pairwise(path):
        assert blockers(current, target, COVERED) == []


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.RECEIVED, Stage.REPAIRING),  # no diagnosis
        (Stage.DIAGNOSING, Stage.RETURNED),  # not ready yet
        (Stage.READY, Stage.CANCELLED),  # a ready unit goes back to the customer
        (Stage.RETURNED, Stage.RECEIVED),  # a returned unit comes back as a new repair
        (Stage.CANCELLED, Stage.DIAGNOSING),
        (Stage.REPAIRING, Stage.REPAIRING),
    ],
)
def test_moves_outside_the_map_are_refused(current, target):
    assert blockers(current, target, COVERED) == [Blocker.NOT_ALLOWED]


def test_final_stages_have_no_next_stage_and_work_under_way_can_be_cancelled():
    assert NEXT[Stage.RETURNED] == NEXT[Stage.CANCELLED] == ()
    under_way = set(Stage) - {Stage.READY, Stage.RETURNED, Stage.CANCELLED}
    assert {stage for stage in Stage if Stage.CANCELLED in NEXT[stage]} == under_way


def test_work_waits_for_the_data_loss_acknowledgement():
    warned = Safeguards(may_erase_data=True)
    assert blockers(Stage.DIAGNOSING, Stage.REPAIRING, warned) == [
        Blocker.DATA_LOSS_NOT_ACKNOWLEDGED
    ]
    assert blockers(Stage.WAITING_FOR_PARTS, Stage.REPAIRING, warned) == [
        Blocker.DATA_LOSS_NOT_ACKNOWLEDGED
    ]
    # Ordering parts and diagnosing do not touch the data; returning unrepaired neither.
    assert blockers(Stage.DIAGNOSING, Stage.WAITING_FOR_PARTS, warned) == []
    assert blockers(Stage.DIAGNOSING, Stage.READY, warned) == []
    acknowledged = Safeguards(may_erase_data=True, data_loss_acknowledged=True)
    assert blockers(Stage.DIAGNOSING, Stage.REPAIRING, acknowledged) == []


def test_out_of_warranty_parts_and_work_wait_for_an_approved_estimate():
    expired = Safeguards(in_warranty=False)
    for target in (Stage.WAITING_FOR_PARTS, Stage.REPAIRING):
        assert blockers(Stage.DIAGNOSING, target, expired) == [Blocker.ESTIMATE_NOT_APPROVED]
    assert blockers(Stage.DIAGNOSING, Stage.READY, expired) == []
    sent = Safeguards(in_warranty=False, estimate_sent=True)
    assert blockers(Stage.DIAGNOSING, Stage.REPAIRING, sent) == [Blocker.ESTIMATE_NOT_APPROVED]
    approved = Safeguards(in_warranty=False, estimate_sent=True, estimate_approved=True)
    assert blockers(Stage.DIAGNOSING, Stage.REPAIRING, approved) == []


def test_an_estimate_sent_under_warranty_also_waits_for_approval():
    """Damage the warranty does not cover: once the customer was asked, their answer counts."""
    sent = Safeguards(in_warranty=True, estimate_sent=True)
    assert blockers(Stage.DIAGNOSING, Stage.REPAIRING, sent) == [Blocker.ESTIMATE_NOT_APPROVED]


def test_both_reasons_are_given_together():
    neither = Safeguards(may_erase_data=True, in_warranty=False)
    assert blockers(Stage.DIAGNOSING, Stage.REPAIRING, neither) == [
        Blocker.DATA_LOSS_NOT_ACKNOWLEDGED,
        Blocker.ESTIMATE_NOT_APPROVED,
    ]


def test_turnaround_per_stage_and_in_total_of_a_finished_repair():
    entries = [
        Entry(Stage.RECEIVED, T0),
        Entry(Stage.DIAGNOSING, T0 + 2 * HOUR),
        Entry(Stage.REPAIRING, T0 + 5 * HOUR),
        Entry(Stage.QUALITY_CHECK, T0 + 9 * HOUR),
        Entry(Stage.REPAIRING, T0 + 10 * HOUR),  # the check failed
        Entry(Stage.QUALITY_CHECK, T0 + 13 * HOUR),
        Entry(Stage.READY, T0 + 14 * HOUR),
        Entry(Stage.RETURNED, T0 + 30 * HOUR),
    ]
    result = turnaround(
        entries,
        now=T0 + 100 * HOUR,
        target=24 * HOUR,
        stage_targets={Stage.REPAIRING: 6 * HOUR, Stage.DIAGNOSING: 4 * HOUR},
    )
    spent = {row.stage: (row.spent, row.visits) for row in result.stages}
    assert spent == {
        Stage.RECEIVED: (2 * HOUR, 1),
        Stage.DIAGNOSING: (3 * HOUR, 1),
        Stage.REPAIRING: (7 * HOUR, 2),
        Stage.QUALITY_CHECK: (2 * HOUR, 2),
        Stage.READY: (16 * HOUR, 1),
        Stage.RETURNED: (timedelta(0), 1),
    }
    over = {row.stage for row in result.stages if row.over_target}
    assert over == {Stage.REPAIRING}
    assert result.finished
    assert result.total == 30 * HOUR
    assert result.over_target


def test_an_open_repair_counts_until_now_in_any_entry_order():
    entries = [Entry(Stage.DIAGNOSING, T0 + HOUR), Entry(Stage.RECEIVED, T0)]
    result = turnaround(entries, now=T0 + 5 * HOUR, target=8 * HOUR)
    assert [(row.stage, row.spent) for row in result.stages] == [
        (Stage.RECEIVED, HOUR),
        (Stage.DIAGNOSING, 4 * HOUR),
    ]
    assert result.total == 5 * HOUR
    assert not result.finished
    assert not result.over_target


def test_no_target_is_never_over():
    result = turnaround([Entry(Stage.RECEIVED, T0)], now=T0 + 1000 * HOUR)
    assert result.target is None
    assert not result.over_target
    assert turnaround([], now=T0).total == timedelta(0)


def test_repeat_within_the_window_of_the_previous_return():
    window = timedelta(days=90)
    returned = T0
    assert is_repeat(returned, T0 + timedelta(days=90), window)
    assert is_repeat(returned, T0 + timedelta(days=3), window)
    assert not is_repeat(returned, T0 + timedelta(days=90, seconds=1), window)
    assert not is_repeat(None, T0, window)
