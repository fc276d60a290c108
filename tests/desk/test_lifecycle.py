import itertools

import pytest

from loyaldesk.desk.lifecycle import (
    ALLOWED,
    CLOCK,
    Clock,
    Status,
    TransitionNotAllowed,
    check_transition,
    is_reopen,
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


@pytest.mark.parametrize(("current", "target"), sorted(EXPECTED_ALLOWED))
def test_allowed_transitions_pass(current, target):
    assert check_transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"), [pair for pair in ALL_PAIRS if pair not in EXPECTED_ALLOWED]
)
def test_every_other_transition_is_refused(current, target):
    with pytest.raises(TransitionNotAllowed):
        check_transition(current, target)


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
    reopens = [pair for pair in ALL_PAIRS if is_reopen(*pair)]
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
        check_transition("bogus", Status.OPEN)
