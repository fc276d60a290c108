"""The repair state machine: stages, allowed moves, what a move needs, how long each stage took,
and when a repair is a repeat. No Django import, so it can be tested and reused alone.

The work on the customer's unit starts when it enters REPAIRING: that is the step a data-loss
warning must have been acknowledged before. Ordering parts (WAITING_FOR_PARTS) and repairing
both cost money: out of warranty, or once an estimate was sent, they need the customer's
approval of the estimate. Diagnosing touches nothing and may end straight in READY (no fault
found, or the estimate was declined and the unit goes back unrepaired).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Stage(StrEnum):
    RECEIVED = "received"
    DIAGNOSING = "diagnosing"
    WAITING_FOR_PARTS = "waiting_for_parts"
    REPAIRING = "repairing"
    QUALITY_CHECK = "quality_check"
    READY = "ready"
    RETURNED = "returned"
    CANCELLED = "cancelled"


# In the order a repair goes through them, the order pages list them in.
NEXT: dict[Stage, tuple[Stage, ...]] = {
    Stage.RECEIVED: (Stage.DIAGNOSING, Stage.CANCELLED),
    Stage.DIAGNOSING: (Stage.WAITING_FOR_PARTS, Stage.REPAIRING, Stage.READY, Stage.CANCELLED),
    Stage.WAITING_FOR_PARTS: (Stage.REPAIRING, Stage.CANCELLED),
    # A repair may find it needs another part; a failed check sends the unit back to repairing.
    Stage.REPAIRING: (Stage.WAITING_FOR_PARTS, Stage.QUALITY_CHECK, Stage.CANCELLED),
    Stage.QUALITY_CHECK: (Stage.REPAIRING, Stage.READY, Stage.CANCELLED),
    Stage.READY: (Stage.RETURNED,),
    Stage.RETURNED: (),
    Stage.CANCELLED: (),
}

FINAL = frozenset({Stage.RETURNED, Stage.CANCELLED})
STARTS_WORK = frozenset({Stage.REPAIRING})
COMMITS_COST = frozenset({Stage.WAITING_FOR_PARTS, Stage.REPAIRING})
# An estimate is sent before anything is spent on the unit.
ESTIMATE_STAGES = frozenset({Stage.RECEIVED, Stage.DIAGNOSING})


class Blocker(StrEnum):
    """Why a repair cannot move to a stage."""

    NOT_ALLOWED = "not_allowed"
    DATA_LOSS_NOT_ACKNOWLEDGED = "data_loss_not_acknowledged"
    ESTIMATE_NOT_APPROVED = "estimate_not_approved"


@dataclass(frozen=True)
class Safeguards:
    """What a repair has on record that a move may need."""

    may_erase_data: bool = False
    data_loss_acknowledged: bool = False
    in_warranty: bool = True
    estimate_sent: bool = False
    estimate_approved: bool = False

    @property
    def needs_approval(self) -> bool:
        """Out of warranty, or once an estimate was sent, the customer's approval is needed."""
        return not self.in_warranty or self.estimate_sent


def is_final(stage: Stage) -> bool:
    """Returned and cancelled repairs take no more moves."""
    return stage in FINAL


def blockers(current: Stage, target: Stage, safeguards: Safeguards) -> list[Blocker]:
    """Everything that stops the move from `current` to `target`; empty when it may go."""
    if target not in NEXT[current]:
        return [Blocker.NOT_ALLOWED]
    found = []
    if (
        target in STARTS_WORK
        and safeguards.may_erase_data
        and not safeguards.data_loss_acknowledged
    ):
        found.append(Blocker.DATA_LOSS_NOT_ACKNOWLEDGED)
    if target in COMMITS_COST and safeguards.needs_approval and not safeguards.estimate_approved:
        found.append(Blocker.ESTIMATE_NOT_APPROVED)
    return found


@dataclass(frozen=True)
class Entry:
    """A repair entering a stage."""

    stage: Stage
    at: datetime


@dataclass(frozen=True)
class StageTime:
    """The time spent in one stage (summed over every visit), against its target if any."""

    stage: Stage
    spent: timedelta
    target: timedelta | None
    visits: int

    @property
    def over_target(self) -> bool:
        return self.target is not None and self.spent > self.target


@dataclass(frozen=True)
class Turnaround:
    """How long a repair took (or has taken so far), stage by stage and in total."""

    stages: list[StageTime]
    total: timedelta
    target: timedelta | None
    finished: bool

    @property
    def over_target(self) -> bool:
        return self.target is not None and self.total > self.target


def time_in_stages(entries: Sequence[Entry], now: datetime) -> dict[Stage, tuple[timedelta, int]]:
    """Time spent and visits per stage, in the order first entered; a stage lasts until the next
    entry, the last one until `now` unless it is final (then it took no time)."""
    spent: dict[Stage, tuple[timedelta, int]] = {}
    ordered = sorted(entries, key=lambda entry: entry.at)
    for index, entry in enumerate(ordered):
        if index + 1 < len(ordered):
            end = ordered[index + 1].at
        else:
            end = entry.at if is_final(entry.stage) else now
        total, visits = spent.get(entry.stage, (timedelta(0), 0))
        spent[entry.stage] = (total + max(end - entry.at, timedelta(0)), visits + 1)
    return spent


def turnaround(
    entries: Sequence[Entry],
    now: datetime,
    target: timedelta | None = None,
    stage_targets: Mapping[Stage, timedelta] | None = None,
) -> Turnaround:
    """Time per stage and in total, from the first entry to the final one (or to `now`)."""
    stage_targets = stage_targets or {}
    if not entries:
        return Turnaround([], timedelta(0), target, finished=False)
    ordered = sorted(entries, key=lambda entry: entry.at)
    finished = is_final(ordered[-1].stage)
    end = ordered[-1].at if finished else now
    stages = [
        StageTime(stage, spent, stage_targets.get(stage), visits)
        for stage, (spent, visits) in time_in_stages(ordered, now).items()
    ]
    return Turnaround(stages, max(end - ordered[0].at, timedelta(0)), target, finished)


def is_repeat(
    previous_returned_at: datetime | None, opened_at: datetime, window: timedelta
) -> bool:
    """Whether a unit back for repair `window` or less after its last repair came back to the
    customer is a repeat repair; a unit never repaired (or only cancelled) is not."""
    if previous_returned_at is None:
        return False
    return opened_at - previous_returned_at <= window
