"""The demo's after-sales repairs: a target per product family, and on most repair cases the
repair of the unit the case is about, stage by stage, as the repairs services record it.

This runs once the cases are written. A unit is received after the desk's first answer on its
case, while the case is not closed (as `open_repair` requires); a unit back while its last
repair is still under way waits for that repair to end. Timelines are planned as plain data
(`timeline`), checked against the stage rules and written in bulk: repairs, stage entries,
the notices on the case (history: no email is queued) and the events. A repair usually
outlives its short case: once the case is closed, its moves are recorded with nobody told,
as `move_to_stage` records them. A unit back within the repeat window of its last repair's
return is a repeat repair and raises its case's priority; the raised priority is stored once
the service levels have measured the cases, so their opening policy is the one of the day.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import count
from random import Random

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from loyaldesk.accounts.models import Team
from loyaldesk.core.services import reserve_numbers
from loyaldesk.customers.models import Customer, OwnedProduct, Product
from loyaldesk.customers.warranty import warranty_on
from loyaldesk.demo.parameters import DAY, GeneratorParameters
from loyaldesk.demo.simulation import CasePlan, Simulation
from loyaldesk.demo.stamps import stamp
from loyaldesk.demo.world import World
from loyaldesk.demo.writer import reset_sequences, write_rows
from loyaldesk.desk.models import ActorKind, Case, Event, Message, Priority
from loyaldesk.repairs import notices
from loyaldesk.repairs.models import (
    RepairOrder,
    RepairStageTarget,
    RepairTarget,
    StageEntry,
    days,
    repair_reference,
)
from loyaldesk.repairs.services import COVERED, RAISED_PRIORITY, REPAIR_SEQUENCE, repeat_window
from loyaldesk.repairs.stages import Stage, blockers, is_final, is_repeat
from loyaldesk.service_levels.models import Policy, PolicyVersion
from loyaldesk.service_levels.services import (
    CaseFacts,
    active_policies,
    applied_targets,
    expectation_of,
    matches,
    publish_policy,
)

REPAIR_TOPICS = frozenset({"repair", "defect", "warranty", "data_loss"})
# Share of each topic's cases on which a unit comes in: some defects are solved by advice or
# an exchange, and a data-loss complaint is mostly about what was lost.
REPAIR_SHARE = {"repair": 0.95, "warranty": 0.8, "defect": 0.7, "data_loss": 0.35}
# Calendar days from receiving the unit to returning it, and per-stage targets.
TOTAL_DAYS = {
    "vacuum": 12, "processor": 12, "laptop": 12, "phone": 10, "oven": 14,
    "headset": 10, "tv": 14, "monitor": 12, "fridge": 15, "router": 10,
}  # fmt: skip
STAGE_DAYS = {Stage.DIAGNOSING: Decimal(2), Stage.QUALITY_CHECK: Decimal(1)}
PARTS_DAYS = {"oven": 7, "tv": 7, "fridge": 7}
ERASES_DATA = frozenset({"laptop", "phone"})
CANCELLED_SHARE = 0.03
NO_FAULT_SHARE = 0.04
NOT_COVERED_SHARE = 0.06
APPROVED_SHARE = 0.8
PARTS_SHARE = 0.4
FAILED_CHECK_SHARE = 0.08
LOANER_SHARE = 0.3
MINUTE = 60.0
CURRENCY = "EUR"
REPLIES = ("email", "phone", "portal", "email", "phone", "in_person")
# Stand-ins the notices are rendered with once per kind, then replaced by each repair's own.
FIRST_NAME_MARK, PRODUCT_MARK, NUMBER_MARK = "\x02first-name\x03", "\x02product\x03", 987654321


class Act(StrEnum):
    """What happens to a repair at one moment, as one repairs service does it."""

    OPEN = "open"
    STAGE = "stage"
    WARN = "warn"
    ACKNOWLEDGE = "acknowledge"
    ESTIMATE = "estimate"
    APPROVE = "approve"
    DECLINE = "decline"
    LEND = "lend"
    GIVE_BACK = "give_back"


@dataclass(frozen=True)
class Action:
    at: float
    act: Act
    stage: Stage | None = None


def _after(rng: Random, moment: float, median_days: float, spread: float = 0.6) -> float:
    """A moment some working time after `moment`, when the workshop is open."""
    later = moment + rng.lognormvariate(math.log(median_days * DAY), spread)
    return float(int(max(Simulation.next_working_time(later), moment + 10 * MINUTE)))


def timeline(
    rng: Random, received: float, *, in_warranty: bool, warn: str, loaner: bool
) -> list[Action]:
    """A repair's actions in time order, from receiving the unit to its return.

    `warn` is "" (no data at risk), "received" (warned on receipt) or "diagnosing" (the risk
    found while diagnosing). Work starts only after the warning is acknowledged; out of
    warranty, or when the fault is not covered, parts and work wait for an approved estimate.
    """
    actions = [Action(received, Act.OPEN)]
    if loaner:
        actions.append(Action(received + 10 * MINUTE, Act.LEND))
    diagnosing = _after(rng, received, 0.6)
    actions.append(Action(diagnosing, Act.STAGE, Stage.DIAGNOSING))
    if rng.random() < CANCELLED_SHARE:
        finished = _after(rng, diagnosing, 1.5)
        actions.append(Action(finished, Act.STAGE, Stage.CANCELLED))
    else:
        finished = _diagnosed(rng, actions, diagnosing, in_warranty, warn)
    if loaner:
        actions.append(Action(_after(rng, finished, 1.0), Act.GIVE_BACK))
    actions.sort(key=lambda action: action.at)
    # Only a loaner comes back once the repair is over: a late answer is not recorded.
    return [action for action in actions if action.at <= finished or action.act is Act.GIVE_BACK]


def _diagnosed(
    rng: Random, actions: list[Action], diagnosing: float, in_warranty: bool, warn: str
) -> float:
    """Everything after the diagnosis starts; returns when the unit went back."""
    may_start = _after(rng, diagnosing, 0.8)
    if warn:
        warned = _after(rng, diagnosing, 0.3) if warn == Stage.DIAGNOSING else actions[0].at
        if warn == Stage.DIAGNOSING:
            actions.append(Action(warned, Act.WARN))
        acknowledged = _after(rng, warned, 0.8)
        actions.append(Action(acknowledged, Act.ACKNOWLEDGE))
    if not in_warranty or rng.random() < NOT_COVERED_SHARE:
        sent = _after(rng, diagnosing, 0.7)
        answered = _after(rng, sent, 1.2)
        approved = rng.random() < APPROVED_SHARE
        actions += [Action(sent, Act.ESTIMATE), Action(answered, Act.APPROVE if approved else
                                                       Act.DECLINE)]  # fmt: skip
        if not approved:
            return _hand_back(rng, actions, _after(rng, answered, 0.4))
        may_start = max(may_start, _after(rng, answered, 0.2))
    elif rng.random() < NO_FAULT_SHARE:
        return _hand_back(rng, actions, may_start)
    if rng.random() < PARTS_SHARE:
        actions.append(Action(may_start, Act.STAGE, Stage.WAITING_FOR_PARTS))
        may_start = _after(rng, may_start, 4.0, 0.8)
    if warn:
        may_start = max(may_start, _after(rng, acknowledged, 0.1))
    checked = _repaired(rng, actions, may_start)
    if rng.random() < FAILED_CHECK_SHARE:
        checked = _repaired(rng, actions, _after(rng, checked, 0.2))
    return _hand_back(rng, actions, _after(rng, checked, 0.4))


def _repaired(rng: Random, actions: list[Action], start: float) -> float:
    """Repairing from `start`, then the quality check; returns when the check started."""
    checked = _after(rng, start, 1.5)
    actions += [Action(start, Act.STAGE, Stage.REPAIRING),
                Action(checked, Act.STAGE, Stage.QUALITY_CHECK)]  # fmt: skip
    return checked


def _hand_back(rng: Random, actions: list[Action], ready: float) -> float:
    returned = _after(rng, ready, 1.5)
    actions += [Action(ready, Act.STAGE, Stage.READY),
                Action(returned, Act.STAGE, Stage.RETURNED)]  # fmt: skip
    return returned


def install_repair_targets() -> dict[str, RepairTarget]:
    """A target per product family of the catalogue (kept where one exists already)."""
    targets = {}
    for family, total in TOTAL_DAYS.items():
        target, created = RepairTarget.objects.get_or_create(
            product_family=family, defaults={"total_days": Decimal(total)}
        )
        if created:
            stages = {**STAGE_DAYS, Stage.WAITING_FOR_PARTS: Decimal(PARTS_DAYS.get(family, 5))}
            RepairStageTarget.objects.bulk_create(
                RepairStageTarget(target=target, stage=stage, days=value)
                for stage, value in stages.items()
            )
        targets[family] = target
    return targets


def let_the_lead_follow_repairs(world: World) -> None:
    """The demo's team lead sits in the repairs team too, so the lead login sees the repairs
    and the repeat repairs (a lead's list)."""
    Team.objects.get(pk=world.team_ids["repairs"]).members.add(world.leads["general"])


@dataclass(frozen=True)
class Unit:
    pk: int
    product_id: int
    purchased_on: date
    warranty_ends_on: date


@dataclass
class PlannedRepair:
    """One repair as planned: its case, unit, and what happens to it up to the end."""

    plan: CasePlan
    case: dict
    unit: Unit
    received: float
    in_warranty: bool
    warn: str
    actions: list[Action]
    repeat_of: PlannedRepair | None = None
    number: int = 0
    closed_at: float | None = None
    returned: bool = False
    order: RepairOrder | None = None
    raised: str = ""

    def settle(self, end: float) -> None:
        """Keep only what happened by `end`; note when and how the repair finished."""
        self.actions = [action for action in self.actions if action.at <= end]
        last = next(a for a in reversed(self.actions) if a.act in (Act.OPEN, Act.STAGE))
        if last.stage is not None and is_final(last.stage):
            self.closed_at, self.returned = last.at, last.stage is Stage.RETURNED


@dataclass
class Written:
    """What the repairs pass wrote, and the case changes it leaves for after the measuring."""

    counts: dict[str, int]
    case_updates: dict[int, dict]

    def update_cases(self) -> None:
        """Store the raised priorities and the later updates on the cases."""
        for case_id, changes in self.case_updates.items():
            Case.objects.filter(pk=case_id).update(**changes)


class NoticeTexts:
    """The notices, rendered by `notices` once per language and kind with stand-in values,
    then filled in per repair: thousands of template renders would cost seconds."""

    def __init__(self) -> None:
        self.rendered: dict[tuple, str] = {}

    def text(
        self, repair: RepairOrder, kind: Act, stage: Stage | None, *, warn: bool, repeat: bool
    ) -> str:
        """The notice `notices` writes for `repair` (a repeat or not: it may be unsaved)."""
        case = repair.case
        key = (kind, stage, warn, repeat, case.language, repair.in_warranty,
               repair.estimate_amount)  # fmt: skip
        if key not in self.rendered:
            self.rendered[key] = self._render(repair, kind, stage, warn, repeat)
        return (
            self.rendered[key]
            .replace(FIRST_NAME_MARK, case.customer.first_name)
            .replace(PRODUCT_MARK, repair.owned_product.product.name)
            .replace(repair_reference(NUMBER_MARK), repair.reference)
        )

    @staticmethod
    def _render(
        repair: RepairOrder, kind: Act, stage: Stage | None, warn: bool, repeat: bool
    ) -> str:
        language = repair.case.language
        stand_in = RepairOrder(
            number=NUMBER_MARK,
            case=Case(language=language, customer=Customer(first_name=FIRST_NAME_MARK,
                                                            preferred_language=language)),
            owned_product=OwnedProduct(product=Product(name=PRODUCT_MARK)),
            repeat_of_id=NUMBER_MARK if repeat else None,
            in_warranty=repair.in_warranty,
            estimate_amount=repair.estimate_amount,
            estimate_currency=repair.estimate_currency,
        )  # fmt: skip
        if kind is Act.WARN:
            return notices.data_loss_notice(stand_in)
        if kind is Act.ESTIMATE:
            return notices.estimate_notice(stand_in)
        return notices.stage_notice(stand_in, stage, warn_data_loss=warn)


def _first_id(model: type[Message] | type[Event]) -> int:
    return (model.objects.aggregate(last=Max("id"))["last"] or 0) + 1


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC)


class RepairHistory:
    """Plans and writes the demo's repairs."""

    def __init__(
        self, parameters: GeneratorParameters, world: World, names: list, end: float
    ) -> None:
        self.rng = Random(parameters.seed + 31)
        self.world, self.names, self.end = world, names, end
        self.window = repeat_window()
        self.targets = install_repair_targets()
        self.products = {
            pk: (name, category, Decimal(f"{price}"))
            for pk, name, category, price in Product.objects.filter(
                pk__in=world.product_ids
            ).values_list("pk", "name", "category", "list_price")
        }
        self.texts = NoticeTexts()
        self._policies: list[tuple[Policy, PolicyVersion]] | None = None
        self._acts = {
            Act.OPEN: self._open, Act.STAGE: self._stage, Act.WARN: self._warn,
            Act.ACKNOWLEDGE: self._acknowledge, Act.ESTIMATE: self._estimate,
            Act.APPROVE: self._approve, Act.DECLINE: self._decline, Act.LEND: self._lend,
            Act.GIVE_BACK: self._give_back,
        }  # fmt: skip
        self.messages: list[tuple] = []
        self.events: list[tuple] = []
        self.next_message = count(_first_id(Message)).__next__
        self.next_event = count(_first_id(Event)).__next__
        self.case_updates: dict[int, dict] = {}

    # -- planning ------------------------------------------------------------------------

    def plan(self, plans: list[CasePlan]) -> list[PlannedRepair]:
        """The repairs of the repair cases, in the order the units came in."""
        cases = self._cases()
        units = self._units()
        last: dict[int, PlannedRepair] = {}
        last_returned: dict[int, PlannedRepair] = {}
        planned = []
        for plan in plans:
            if plan.topic not in REPAIR_TOPICS or plan.case_id not in cases:
                continue
            if self.rng.random() >= REPAIR_SHARE[plan.topic]:
                continue
            case = cases[plan.case_id]
            product_id = self.world.product_ids[plan.product]
            unit = units.get((case["customer_id"], plan.order, product_id))
            received = self._received(case, unit and last.get(unit.pk))
            if unit is None or received is None:
                continue
            repair = self._planned(plan, case, unit, received)
            previous = last_returned.get(unit.pk)
            if previous and is_repeat(_moment(previous.closed_at), _moment(received), self.window):
                repair.repeat_of = previous
            last[unit.pk] = repair
            if repair.returned:
                last_returned[unit.pk] = repair
            planned.append(repair)
        planned.sort(key=lambda repair: repair.received)
        return planned

    def _received(self, case: dict, previous: PlannedRepair | None) -> float | None:
        """When the unit comes in: after the first answer, after its last repair ended, while
        the case is not closed and before the end; None if it cannot."""
        if case["first_response_at"] is None:
            return None
        received = _after(self.rng, case["first_response_at"].timestamp(), 1.0)
        if previous is not None:
            if previous.closed_at is None:
                return None
            received = max(received, _after(self.rng, previous.closed_at, 2.0))
        closed = case["closed_at"].timestamp() if case["closed_at"] else math.inf
        return received if received < min(closed, self.end) else None

    def _planned(self, plan: CasePlan, case: dict, unit: Unit, received: float) -> PlannedRepair:
        family = self.products[unit.product_id][1]
        day_received = timezone.localdate(_moment(received))
        state = warranty_on(unit.purchased_on, unit.warranty_ends_on, day_received).state
        in_warranty = state in COVERED
        warn = ""
        if family in ERASES_DATA:
            warn = Stage.RECEIVED if self.rng.random() < 0.6 else Stage.DIAGNOSING
        loaner = family in ERASES_DATA and self.rng.random() < LOANER_SHARE
        actions = timeline(self.rng, received, in_warranty=in_warranty, warn=warn, loaner=loaner)
        repair = PlannedRepair(plan, case, unit, received, in_warranty, warn, actions)
        repair.settle(self.end)
        return repair

    def _cases(self) -> dict[int, dict]:
        fields = ("pk", "customer_id", "subject", "language", "priority", "first_response_at",
                  "closed_at", "updated_at")  # fmt: skip
        rows = Case.objects.filter(queue_id=self.world.queue_ids["repairs"]).values(*fields)
        return {row["pk"]: row for row in rows}

    def _units(self) -> dict[tuple[int, str, int], Unit]:
        units: dict[tuple[int, str, int], Unit] = {}
        rows = OwnedProduct.objects.order_by("pk").values_list(
            "pk", "customer_id", "purchase__order_number", "product_id", "purchased_on",
            "warranty_ends_on",
        )  # fmt: skip
        for pk, customer_id, order, product_id, purchased_on, ends_on in rows:
            units.setdefault(
                (customer_id, order, product_id), Unit(pk, product_id, purchased_on, ends_on)
            )
        return units

    # -- writing -------------------------------------------------------------------------

    def write(self, planned: list[PlannedRepair]) -> Written:
        """Write the planned repairs, their stage entries, notices and events."""
        numbers = reserve_numbers(REPAIR_SEQUENCE, len(planned)) if planned else range(0)
        entries = []
        for repair, number in zip(planned, numbers, strict=True):
            repair.number = number
            repair.order = self._order(repair)
            entries += self._replay(repair)
        # Created as they ended, so a unit has one open repair at most at every insert.
        RepairOrder.objects.bulk_create([repair.order for repair in planned], batch_size=2000)
        repeats = [repair for repair in planned if repair.repeat_of is not None]
        for repair in repeats:
            repair.order.repeat_of = repair.repeat_of.order
        RepairOrder.objects.bulk_update([repair.order for repair in repeats], ["repeat_of"])
        StageEntry.objects.bulk_create(entries, batch_size=2000)
        connection.ensure_connection()
        write_rows(connection.connection, connection.vendor, Message, self.messages)
        write_rows(connection.connection, connection.vendor, Event, self.events)
        reset_sequences()
        return Written(self._counts(planned), self.case_updates)

    def _order(self, repair: PlannedRepair) -> RepairOrder:
        """The repair as `open_repair` creates it."""
        received = _moment(repair.received)
        name, family, _ = self.products[repair.unit.product_id]
        target = self.targets.get(family)
        first, last, _, _ = self.names[repair.plan.customer]
        case = Case(pk=repair.case["pk"], language=repair.case["language"],
                    customer=Customer(pk=repair.case["customer_id"], first_name=first,
                                      last_name=last))  # fmt: skip
        unit = OwnedProduct(
            pk=repair.unit.pk,
            product=Product(pk=repair.unit.product_id, name=name, category=family),
        )
        return RepairOrder(
            number=repair.number,
            case=case,
            owned_product=unit,
            fault=repair.case["subject"],
            stage=Stage.RECEIVED,
            stage_entered_at=received,
            opened_at=received,
            target_days=target.total_days if target else None,
            due_at=received + days(target.total_days) if target else None,
            in_warranty=repair.in_warranty,
            may_erase_data=repair.warn == Stage.RECEIVED,
            data_loss_warned_at=received if repair.warn == Stage.RECEIVED else None,
        )

    def _replay(self, repair: PlannedRepair) -> list[StageEntry]:
        """Apply each action as its service would, checked against the stage rules; record
        the notices, events and stage entries."""
        order, agent = repair.order, repair.plan.agent
        entries = []
        for action in repair.actions:
            at = _moment(action.at)
            if action.act in (Act.OPEN, Act.STAGE):
                entries.append(StageEntry(repair=order, stage=action.stage or Stage.RECEIVED,
                                          entered_at=at, actor_id=agent))  # fmt: skip
            self._acts[action.act](repair, action, at)
        return entries

    def _tell(
        self, repair: PlannedRepair, at: datetime, kind: Act, stage=None, warn=False
    ) -> int | None:
        """Send the notice on the case, as `reply_to_customer` adds it (its email is history:
        none is queued); None when the case is closed by then."""
        closed = repair.case["closed_at"]
        if closed is not None and at >= closed:
            return None
        text = self.texts.text(
            repair.order, kind, stage, warn=warn, repeat=repair.repeat_of is not None
        )
        message_id = self.next_message()
        self.messages.append((
            message_id, repair.case["pk"], "outbound", "email", repair.plan.agent, None, "",
            text, "", repair.case["language"], "", "", stamp(at.timestamp()),
        ))  # fmt: skip
        after = {"message": message_id, "kind": "outbound", "channel": "email"}
        self._event(repair, "message.added", at, after)
        self._touch(repair, at)
        return message_id

    def _event(
        self,
        repair: PlannedRepair,
        kind: str,
        at: datetime,
        after: dict,
        before: dict | None = None,
    ) -> None:
        self.events.append((
            self.next_event(), repair.case["pk"], repair.case["customer_id"], repair.plan.agent,
            ActorKind.STAFF.value, kind, stamp(at.timestamp()), json.dumps(before or {}),
            json.dumps(after),
        ))  # fmt: skip

    def _record(self, repair: PlannedRepair, kind: str, at: datetime, **after: object) -> None:
        """A repair event, as the services' `_record` writes it."""
        self._event(repair, kind, at, {"repair": repair.number, **after})

    def _open(self, repair: PlannedRepair, action: Action, at: datetime):
        order = repair.order
        warn = order.may_erase_data
        message = self._tell(repair, at, Act.STAGE, Stage.RECEIVED, warn)
        self._record(
            repair, "repair.opened", at, unit=repair.unit.pk,
            product=order.owned_product.product.name, stage=Stage.RECEIVED.value,
            in_warranty=order.in_warranty, may_erase_data=warn,
            due_at=order.due_at.isoformat() if order.due_at else None, message=message,
        )  # fmt: skip
        if repair.repeat_of is not None:
            self._flag_repeat(repair, at)

    def _flag_repeat(self, repair: PlannedRepair, at: datetime) -> None:
        previous = repair.repeat_of
        since = (at - _moment(previous.closed_at)).days
        self._record(repair, "repair.flagged_repeat", at, repeat_of=previous.number,
                     days_since_return=since)  # fmt: skip
        current = repair.case["priority"]
        raised = RAISED_PRIORITY[Priority(current)]
        if raised == current:
            return
        self._event(repair, "case.updated", at, {"priority": raised.value},
                    before={"priority": current})  # fmt: skip
        repair.raised = raised.value
        repair.case["priority"] = raised.value
        changes = self.case_updates.setdefault(repair.case["pk"], {})
        changes["priority"] = raised.value
        self._reapply_policy(repair, at)
        self._touch(repair, at)

    def _reapply_policy(self, repair: PlannedRepair, at: datetime) -> None:
        """The policy the case meets at its new priority, as `apply_policy` records it."""
        case = Case.objects.select_related("customer").get(pk=repair.case["pk"])
        facts = CaseFacts.of(case)
        was = self._measured_against(facts, case.customer)
        found = self._measured_against(replace(facts, priority=repair.raised), case.customer)
        if found != was:
            self._event(repair, "sla.policy_applied", at, found)

    def _measured_against(self, facts: CaseFacts, customer: Customer) -> dict:
        """What `measured_against` gives for these facts, the policies read once."""
        if self._policies is None:
            self._policies = [(policy, publish_policy(policy)) for policy in active_policies()]
        for policy, version in self._policies:
            if matches(policy, facts):
                return applied_targets(policy, version, expectation_of(customer))
        return {"policy": None}

    def _stage(self, repair: PlannedRepair, action: Action, at: datetime):
        order, target = repair.order, action.stage
        current = Stage(order.stage)
        found = blockers(current, target, order.safeguards())
        if found:
            raise RuntimeError(f"demo repair {order.reference}: {current} → {target}: {found}")
        order.stage, order.stage_entered_at = target, at
        if is_final(target):
            order.closed_at = at
        message = self._tell(repair, at, Act.STAGE, target)
        self._event(repair, "repair.stage_changed", at,
                    {"repair": repair.number, "stage": target.value, "message": message},
                    before={"stage": current.value})  # fmt: skip

    def _warn(self, repair: PlannedRepair, action: Action, at: datetime):
        order = repair.order
        order.may_erase_data, order.data_loss_warned_at = True, at
        message = self._tell(repair, at, Act.WARN)
        self._record(repair, "repair.data_loss_warned", at, message=message)

    def _acknowledge(self, repair: PlannedRepair, action: Action, at: datetime):
        via = self.rng.choice(REPLIES)
        repair.order.data_loss_acknowledged_at, repair.order.data_loss_acknowledged_via = at, via
        self._record(repair, "repair.data_loss_acknowledged", at, via=via)

    def _estimate(self, repair: PlannedRepair, action: Action, at: datetime):
        order = repair.order
        if not order.takes_estimate:
            raise RuntimeError(f"demo repair {order.reference}: no estimate expected")
        price = self.products[repair.unit.product_id][2]
        share = Decimal(self.rng.choice((15, 20, 25, 30, 40))) / 100
        order.estimate_amount = (price * share / 5).quantize(Decimal(1)) * 5 + Decimal("0.00")
        order.estimate_currency, order.estimate_sent_at = CURRENCY, at
        message = self._tell(repair, at, Act.ESTIMATE)
        amount = str(order.estimate_amount)
        self._record(repair, "repair.estimate_sent", at, amount=amount, currency=CURRENCY,
                     message=message)  # fmt: skip

    def _answer(self, repair: PlannedRepair, at: datetime, approved: bool) -> None:
        order, via = repair.order, self.rng.choice(REPLIES)
        if approved:
            order.estimate_approved_at = at
        else:
            order.estimate_declined_at = at
        order.estimate_answered_via = via
        kind = "repair.estimate_approved" if approved else "repair.estimate_declined"
        self._record(repair, kind, at, amount=str(order.estimate_amount), currency=CURRENCY,
                     via=via)  # fmt: skip

    def _approve(self, repair: PlannedRepair, action: Action, at: datetime):
        self._answer(repair, at, approved=True)

    def _decline(self, repair: PlannedRepair, action: Action, at: datetime):
        self._answer(repair, at, approved=False)

    def _lend(self, repair: PlannedRepair, action: Action, at: datetime):
        family = self.products[repair.unit.product_id][1]
        repair.order.loaner = f"{family.upper()}-L{self.rng.randint(1, 12):02d}"
        repair.order.loaner_lent_at = at
        self._record(repair, "repair.loaner_lent", at, loaner=repair.order.loaner)

    def _give_back(self, repair: PlannedRepair, action: Action, at: datetime):
        repair.order.loaner_returned_at = at
        self._record(repair, "repair.loaner_returned", at, loaner=repair.order.loaner)

    def _touch(self, repair: PlannedRepair, at: datetime) -> None:
        """A message or a change updates the case, as the desk's services do."""
        if at > repair.case["updated_at"]:
            repair.case["updated_at"] = at
            self.case_updates.setdefault(repair.case["pk"], {})["updated_at"] = at

    def _counts(self, planned: list[PlannedRepair]) -> dict[str, int]:
        over = sum(
            1
            for repair in planned
            if repair.order.due_at is not None
            and (repair.closed_at or self.end) > repair.order.due_at.timestamp()
        )
        return {
            "repairs": len(planned),
            "repeat_repairs": sum(1 for repair in planned if repair.repeat_of is not None),
            "repairs_over_target": over,
            "repairs_open": sum(1 for repair in planned if repair.closed_at is None),
            "repair_messages": len(self.messages),
            "repair_events": len(self.events),
        }


def write_demo_repairs(
    parameters: GeneratorParameters, world: World, names: list, plans: list[CasePlan], end: float
) -> Written:
    """Targets, the lead in the repairs team, and the repairs of the written repair cases;
    call `update_cases` on the result once the cases' service levels are measured."""
    let_the_lead_follow_repairs(world)
    history = RepairHistory(parameters, world, names, end)
    return history.write(history.plan(plans))
