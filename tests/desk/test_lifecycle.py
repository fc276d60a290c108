import itertools
from types import SimpleNamespace

import pytest

from loyaldesk.desk.lifecycle import (
    ALLOWED,
    CLOCK,
    Clock,
    Status,
    TransitionNotAllowed,
    apply_move,
    status_on_customer_message,
)

EXPECTED_ALLOWED = {
    (Status.NEW, Status.OPEN),
    (Status.NEW, Status.PENDING_CUSTOMER),
    (Status.NEW, Status.PENDING_INTERNAL),
    (Status.NEW, Status.RESOLVED),
    (Status.OPEN, Status.PENDING_CUSTOMER),
    (Status.OPEN, Status.PENDING_INTERNAL),
    (Status.OPEN, Status.RESOLVED),
    (Status.PENDING_CUSTOMER, Status.OPEN),
    (Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL),
    (Status.PENDING_CUSTOMER, Status.RESOLVED),
    (Status.PENDING_INTERNAL, Status.OPEN),
    (Status.PENDING_INTERNAL, Status.PENDING_CUSTOMER),
    (Status.PENDING_INTERNAL, Status.RESOLVED),
    (Status.RESOLVED, Status.OPEN),
    (Status.RESOLVED, Status.CLOSED),
}
ALL_PAIRS = list(itertools.product(Status, Status))


def a_case(status, resolved_at=None):
    return SimpleNamespace(status=status, resolved_at=resolved_at, closed_at=None, reopen_count=0)


@pytest.mark.parametrize(("current", "target"), sorted(EXPECTED_ALLOWED))
def test_allowed_transitions_pass(current, target):
    case = a_case(current)
    assert apply_move(case, target, at=5)[0] is current
    assert case.status is target


@pytest.mark.parametrize(
    ("current", "target"), [pair for pair in ALL_PAIRS if pair not in EXPECTED_ALLOWED]
)
def test_every_other_transition_is_refused(current, target):
    case = a_case(current)
    with pytest.raises(TransitionNotAllowed):
        apply_move(case, target, at=5)
    assert case == a_case(current)


def test_moves_stamp_resolution_closing_and_reopening():
    case = a_case("open")
    assert apply_move(case, Status.RESOLVED, at=10) == (Status.OPEN, "case.status_changed")
    assert case.resolved_at == 10
    assert apply_move(case, Status.OPEN, at=20) == (Status.RESOLVED, "case.reopened")
    assert (case.resolved_at, case.reopen_count) == (None, 1)
    apply_move(case, Status.RESOLVED, at=30)
    assert apply_move(case, Status.CLOSED, at=40)[1] == "case.status_changed"
    assert (case.resolved_at, case.closed_at, case.reopen_count) == (30, 40, 1)


def test_table_matches_the_expected_machine():
    actual = {(c, t) for c, targets in ALLOWED.items() for t in targets}
    assert actual == EXPECTED_ALLOWED


def test_closed_is_final():
    assert ALLOWED[Status.CLOSED] == frozenset()


def test_clock_categories():
    assert CLOCK[Status.NEW] is Clock.RUNS
    assert CLOCK[Status.OPEN] is Clock.RUNS
    assert CLOCK[Status.PENDING_CUSTOMER] is Clock.PAUSED
    assert CLOCK[Status.PENDING_INTERNAL] is Clock.RUNS
    assert CLOCK[Status.RESOLVED] is Clock.STOPPED
    assert CLOCK[Status.CLOSED] is Clock.STOPPED


def test_only_resolved_to_open_is_a_reopen():
    reopens = [
        (current, target)
        for current, target in sorted(EXPECTED_ALLOWED)
        if apply_move(a_case(current), target, at=1)[1] == "case.reopened"
    ]
    assert reopens == [(Status.RESOLVED, Status.OPEN)]


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (Status.NEW, None),
        (Status.OPEN, None),
        (Status.PENDING_CUSTOMER, Status.OPEN),
        (Status.PENDING_INTERNAL, None),
        (Status.RESOLVED, Status.OPEN),
        (Status.CLOSED, None),
    ],
)
def test_customer_message_wakes_waiting_and_resolved_cases(current, expected):
    assert status_on_customer_message(current) == expected


def test_unknown_status_is_an_error():
    with pytest.raises(ValueError, match="bogus"):
        apply_move(a_case("bogus"), Status.OPEN, at=1)
