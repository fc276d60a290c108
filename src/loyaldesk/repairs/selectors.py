"""Reading repairs: who may see which, the repair list's filters, a repair's turnaround."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import Customer, OwnedProduct
from loyaldesk.desk.models import Case
from loyaldesk.desk.permissions import can_work, visible_cases
from loyaldesk.repairs.models import (
    BLOCKER_MESSAGES,
    RepairOrder,
    RepairStage,
    RepairTarget,
    StageEntry,
    days,
)
from loyaldesk.repairs.stages import NEXT, Blocker, Entry, Stage, Turnaround, blockers, turnaround

LISTED_WITH = ("case__customer", "owned_product__product", "repeat_of")


def visible_repairs(user: User) -> QuerySet[RepairOrder]:
    """Repairs whose case the user may see: nobody sees the repair of a case hidden to them."""
    return RepairOrder.objects.filter(case__in=visible_cases(user))


def customer_repairs(user: User, customer: Customer, limit: int = 10) -> list[RepairOrder]:
    """The customer's latest repairs the user may see, newest first."""
    repairs = visible_repairs(user).filter(owned_product__customer=customer)
    return list(repairs.select_related(*LISTED_WITH).order_by("-opened_at", "-pk")[:limit])


def can_work_repair(user: User, repair: RepairOrder) -> bool:
    """Whether the user may move the repair and record what the customer said."""
    return user.has_perm("repairs.change_repairorder") and can_work(user, repair.case)


def can_open_repair(user: User, case: Case) -> bool:
    """Whether the user may receive a unit for repair on this case."""
    return user.has_perm("repairs.add_repairorder") and can_work(user, case)


@dataclass(frozen=True)
class RepairFilter:
    """What the repair list shows: open, closed or all; a stage; only overdue; only repeats."""

    show: str = "open"
    stage: str = ""
    overdue: bool = False
    repeat: bool = False


def repair_list(user: User, chosen: RepairFilter, now: datetime) -> QuerySet[RepairOrder]:
    """The repairs the user may see that match the filter, newest first."""
    repairs = visible_repairs(user).select_related(*LISTED_WITH)
    if chosen.show == "open":
        repairs = repairs.filter(closed_at__isnull=True)
    elif chosen.show == "closed":
        repairs = repairs.filter(closed_at__isnull=False)
    if chosen.stage:
        repairs = repairs.filter(stage=chosen.stage)
    if chosen.overdue:
        repairs = repairs.filter(closed_at__isnull=True, due_at__lt=now)
    if chosen.repeat:
        repairs = repairs.filter(repeat_of__isnull=False)
    return repairs.order_by("-opened_at", "-id")


def case_repairs(case: Case) -> list[RepairOrder]:
    """The repairs worked from a case, newest first."""
    return list(case.repairs.select_related(*LISTED_WITH).order_by("-opened_at", "-id"))


def repairable_units(case: Case) -> QuerySet[OwnedProduct]:
    """The case customer's units that have no repair under way."""
    return (
        OwnedProduct.objects.filter(customer_id=case.customer_id)
        .exclude(pk__in=RepairOrder.objects.filter(closed_at__isnull=True).values("owned_product"))
        .select_related("product")
        .order_by("product__name", "serial_number", "pk")
    )


def stage_entries(repair: RepairOrder) -> list[StageEntry]:
    """Every stage the repair entered, in order, with who moved it."""
    return list(repair.entries.select_related("actor"))


def repair_turnaround(repair: RepairOrder, entries: list[StageEntry], now: datetime) -> Turnaround:
    """Time per stage and in total, against the total target the repair was received with
    and the family's stage targets of today."""
    target = RepairTarget.objects.filter(
        product_family=repair.owned_product.product.category
    ).first()
    return turnaround(
        [Entry(Stage(entry.stage), entry.entered_at) for entry in entries],
        now,
        days(repair.target_days),
        target.stage_targets() if target else {},
    )


@dataclass(frozen=True)
class NextStage:
    """A stage the repair may move to next, and what stops it for now."""

    stage: Stage
    label: str
    blockers: list[Blocker]

    @property
    def reasons(self) -> list[str]:
        return [str(BLOCKER_MESSAGES[blocker]) for blocker in self.blockers]


def next_stages(repair: RepairOrder) -> list[NextStage]:
    """The stages the repair may move to from where it is, with the reasons that block one."""
    current = Stage(repair.stage)
    safeguards = repair.safeguards()
    return [
        NextStage(stage, str(RepairStage(stage).label), blockers(current, stage, safeguards))
        for stage in NEXT[current]
    ]


def unit_repairs(repair: RepairOrder) -> list[RepairOrder]:
    """The unit's other repairs, newest first: several repairs and still broken shows here."""
    return list(
        RepairOrder.objects.filter(owned_product_id=repair.owned_product_id)
        .exclude(pk=repair.pk)
        .select_related("case")
        .order_by("-opened_at", "-id")
    )
