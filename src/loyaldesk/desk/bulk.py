"""One change applied to many cases, each checked and changed on its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from loyaldesk.accounts.models import User
from loyaldesk.desk.lifecycle import Status, TransitionNotAllowed
from loyaldesk.desk.models import Case
from loyaldesk.desk.permissions import can_assign, can_work, visible_cases
from loyaldesk.desk.services import assign_case, change_case_details, change_status


@dataclass
class BulkOutcome:
    changed: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    not_allowed: list[int] = field(default_factory=list)


def _apply(user: User, case: Case, action: str, value: object) -> bool:
    if action == "assign":
        if not can_assign(user, case, value):
            return False
        assign_case(case, value, actor=user)
    elif action == "status":
        if not can_work(user, case):
            return False
        if case.status != value:
            change_status(case, Status(value), actor=user)
    elif action == "priority":
        if not can_work(user, case):
            return False
        change_case_details(case, actor=user, priority=value)
    else:
        raise ValueError(f"unknown bulk action {action!r}")
    return True


def apply_to_cases(user: User, numbers: list[int], action: str, value: object) -> BulkOutcome:
    """Apply one action to each case the user may change; report the ones refused and the ones
    the lifecycle does not allow. Each case changes in its own transaction."""
    outcome = BulkOutcome()
    found = visible_cases(user).filter(number__in=numbers).select_related("queue")
    cases = {case.number: case for case in found}
    for number in numbers:
        case = cases.get(number)
        try:
            allowed = case is not None and _apply(user, case, action, value)
        except TransitionNotAllowed:
            outcome.not_allowed.append(number)
            continue
        (outcome.changed if allowed else outcome.refused).append(number)
    return outcome
