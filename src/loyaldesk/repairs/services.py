"""Operations on repairs: each runs in one transaction and records its events on the case.

Every stage a repair enters is kept (StageEntry) and told to the customer as an outbound
message on the case, in the customer's language: it shows in the thread and leaves by email
through the outbox like any reply. A case that is closed takes no more messages; its repair
still moves, and its events say nobody was told.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyaldesk.accounts.models import User
from loyaldesk.core.services import reserve_numbers
from loyaldesk.customers.models import OwnedProduct
from loyaldesk.customers.warranty import WarrantyState
from loyaldesk.desk.events import record_event
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Priority
from loyaldesk.desk.services import change_case_details, reply_to_customer
from loyaldesk.repairs import notices
from loyaldesk.repairs.models import (
    BLOCKER_MESSAGES,
    CustomerReply,
    RepairOrder,
    RepairStage,
    RepairTarget,
    StageEntry,
    days,
)
from loyaldesk.repairs.stages import Blocker, Stage, blockers, is_final, is_repeat

REPAIR_SEQUENCE = "repair"
COVERED = frozenset({WarrantyState.ACTIVE, WarrantyState.EXPIRING})
# A repeat repair goes one step up, to high at least: the customer has waited once already.
RAISED_PRIORITY = {
    Priority.LOW: Priority.HIGH,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
    Priority.URGENT: Priority.URGENT,
}


class RepairError(ValueError):
    """An operation the repair rules refuse; `message` says why, in the reader's language."""

    message = _("This cannot be done on this repair.")


class NotTheCustomersUnit(RepairError):
    message = _("That unit belongs to another customer than the case's.")


class UnitInRepair(RepairError):
    message = _("This unit already has a repair under way.")


class CaseIsClosed(RepairError):
    message = _("The case is closed: open the repair from the customer's new case.")


class RepairIsClosed(RepairError):
    message = _("This repair is finished.")


class EstimateNotExpected(RepairError):
    message = _("An estimate is sent before parts are ordered or the work starts.")


class NoEstimatePending(RepairError):
    message = _("No estimate is waiting for the customer's answer.")


class NothingToAcknowledge(RepairError):
    message = _("The customer was not warned of any data loss, or has acknowledged it already.")


class LoanerAlreadyOut(RepairError):
    message = _("A loaner is already lent for this repair.")


class NoLoanerOut(RepairError):
    message = _("No loaner is out for this repair.")


class MoveBlocked(RepairError):
    """The stage rules refuse the move, for each of `blockers`."""

    def __init__(self, found: list[Blocker]) -> None:
        super().__init__(", ".join(found))
        self.blockers = found

    @property
    def message(self) -> str:
        return " ".join(str(BLOCKER_MESSAGES[blocker]) for blocker in self.blockers)


def repeat_window() -> timedelta:
    """How soon after a unit's last repair came back a new one is a repeat."""
    return timedelta(days=settings.REPAIR_REPEAT_DAYS)


def _locked(repair: RepairOrder) -> RepairOrder:
    repair.refresh_from_db(from_queryset=RepairOrder.objects.select_for_update())
    return repair


def _open(repair: RepairOrder) -> RepairOrder:
    repair = _locked(repair)
    if not repair.is_open:
        raise RepairIsClosed(repair.reference)
    return repair


def _tell_customer(repair: RepairOrder, text: str, actor: User, at: datetime) -> int | None:
    """Send the customer a message on the repair's case; None when the case is closed."""
    case = repair.case
    if case.status == Status.CLOSED:
        return None
    return reply_to_customer(case, agent=actor, text=text, then=None, at=at).pk


def _record(kind: str, repair: RepairOrder, actor: User, at: datetime, **after: object) -> None:
    record_event(
        kind, case=repair.case, actor=actor, at=at, after={"repair": repair.number, **after}
    )


def previous_return(unit: OwnedProduct) -> RepairOrder | None:
    """The unit's repair that came back to the customer last, if any."""
    return (
        RepairOrder.objects.filter(owned_product=unit, stage=RepairStage.RETURNED)
        .order_by("-closed_at", "-id")
        .first()
    )


def _flag_repeat(repair: RepairOrder, previous: RepairOrder, actor: User, at: datetime) -> None:
    case = repair.case
    raised = RAISED_PRIORITY[Priority(case.priority)]
    _record(
        "repair.flagged_repeat",
        repair,
        actor,
        at,
        repeat_of=previous.number,
        days_since_return=(at - previous.closed_at).days,
    )
    if raised != case.priority:
        change_case_details(case, actor=actor, at=at, priority=raised)


def _received(
    case: Case,
    unit: OwnedProduct,
    fault: str,
    may_erase_data: bool,
    repeat_of: RepairOrder | None,
    at: datetime,
) -> RepairOrder:
    """A new repair in its first stage, with the warranty of the day and its family's target."""
    target = RepairTarget.objects.filter(product_family=unit.product.category).first()
    return RepairOrder.objects.create(
        number=reserve_numbers(REPAIR_SEQUENCE)[0],
        case=case,
        owned_product=unit,
        fault=fault.strip(),
        stage=RepairStage.RECEIVED,
        stage_entered_at=at,
        opened_at=at,
        target_days=target.total_days if target else None,
        due_at=at + days(target.total_days) if target else None,
        in_warranty=unit.warranty(timezone.localdate(at)).state in COVERED,
        may_erase_data=may_erase_data,
        data_loss_warned_at=at if may_erase_data else None,
        repeat_of=repeat_of,
    )


@transaction.atomic
def open_repair(
    case: Case,
    unit: OwnedProduct,
    *,
    fault: str,
    may_erase_data: bool,
    actor: User,
    at: datetime | None = None,
) -> RepairOrder:
    """Receive a customer's unit for repair on their case.

    The warranty is read from the unit on the day; the due time from the target of the unit's
    product family. A unit back within the repeat window of its last repair's return is
    flagged, linked to that repair and raises the case's priority. The customer is told, with
    the data-loss warning when the repair may erase their data.
    """
    at = at or timezone.now()
    if unit.customer_id != case.customer_id:
        raise NotTheCustomersUnit(str(unit))
    if case.status == Status.CLOSED:
        raise CaseIsClosed(case.reference)
    unit = OwnedProduct.objects.select_for_update().select_related("product").get(pk=unit.pk)
    if RepairOrder.objects.filter(owned_product=unit, closed_at__isnull=True).exists():
        raise UnitInRepair(str(unit))
    previous = previous_return(unit)
    repeat_of = (
        previous if previous and is_repeat(previous.closed_at, at, repeat_window()) else None
    )
    repair = _received(case, unit, fault, may_erase_data, repeat_of, at)
    StageEntry.objects.create(repair=repair, stage=RepairStage.RECEIVED, entered_at=at, actor=actor)
    message = _tell_customer(
        repair,
        notices.stage_notice(repair, Stage.RECEIVED, warn_data_loss=may_erase_data),
        actor,
        at,
    )
    _record(
        "repair.opened",
        repair,
        actor,
        at,
        unit=unit.pk,
        product=unit.product.name,
        stage=repair.stage,
        in_warranty=repair.in_warranty,
        may_erase_data=may_erase_data,
        due_at=repair.due_at.isoformat() if repair.due_at else None,
        message=message,
    )
    if repeat_of is not None:
        _flag_repeat(repair, repeat_of, actor, at)
    return repair


@transaction.atomic
def move_to_stage(
    repair: RepairOrder, target: Stage | str, *, actor: User, at: datetime | None = None
) -> RepairOrder:
    """Move the repair to its next stage, as the stage rules allow, and tell the customer."""
    at = at or timezone.now()
    target = Stage(target)
    repair = _open(repair)
    current = Stage(repair.stage)
    found = blockers(current, target, repair.safeguards())
    if found:
        raise MoveBlocked(found)
    repair.stage, repair.stage_entered_at = target, at
    if is_final(target):
        repair.closed_at = at
    repair.save()
    StageEntry.objects.create(repair=repair, stage=target, entered_at=at, actor=actor)
    message = _tell_customer(repair, notices.stage_notice(repair, target), actor, at)
    record_event(
        "repair.stage_changed",
        case=repair.case,
        actor=actor,
        at=at,
        before={"stage": current.value},
        after={"repair": repair.number, "stage": target.value, "message": message},
    )
    return repair


@transaction.atomic
def warn_of_data_loss(
    repair: RepairOrder, *, actor: User, at: datetime | None = None
) -> RepairOrder:
    """Mark that the repair may erase the customer's data and warn them; the work waits for
    their acknowledgement. Sending it again (a lost email) records it again."""
    at = at or timezone.now()
    repair = _open(repair)
    repair.may_erase_data, repair.data_loss_warned_at = True, at
    repair.save()
    message = _tell_customer(repair, notices.data_loss_notice(repair), actor, at)
    _record("repair.data_loss_warned", repair, actor, at, message=message)
    return repair


@transaction.atomic
def acknowledge_data_loss(
    repair: RepairOrder, *, via: CustomerReply | str, actor: User, at: datetime | None = None
) -> RepairOrder:
    """Record that the customer read the data-loss warning, and how they said so."""
    at = at or timezone.now()
    repair = _open(repair)
    if not repair.may_erase_data or repair.data_loss_acknowledged_at is not None:
        raise NothingToAcknowledge(repair.reference)
    repair.data_loss_acknowledged_at = at
    repair.data_loss_acknowledged_via = CustomerReply(via)
    repair.save()
    _record("repair.data_loss_acknowledged", repair, actor, at, via=CustomerReply(via).value)
    return repair


@transaction.atomic
def send_estimate(
    repair: RepairOrder,
    *,
    amount: Decimal,
    currency: str,
    actor: User,
    at: datetime | None = None,
) -> RepairOrder:
    """Send the customer the repair's cost for approval; a new estimate replaces an earlier
    one and its answer."""
    at = at or timezone.now()
    repair = _open(repair)
    if not repair.takes_estimate:
        raise EstimateNotExpected(repair.reference)
    repair.estimate_amount, repair.estimate_currency = amount, currency.upper()
    repair.estimate_sent_at = at
    repair.estimate_approved_at = repair.estimate_declined_at = None
    repair.estimate_answered_via = ""
    repair.save()
    message = _tell_customer(repair, notices.estimate_notice(repair), actor, at)
    _record(
        "repair.estimate_sent",
        repair,
        actor,
        at,
        amount=str(repair.estimate_amount),
        currency=repair.estimate_currency,
        message=message,
    )
    return repair


@transaction.atomic
def answer_estimate(
    repair: RepairOrder,
    *,
    approved: bool,
    via: CustomerReply | str,
    actor: User,
    at: datetime | None = None,
) -> RepairOrder:
    """Record the customer's approval or refusal of the estimate, and how they gave it."""
    at = at or timezone.now()
    repair = _open(repair)
    if not repair.estimate_pending:
        raise NoEstimatePending(repair.reference)
    if approved:
        repair.estimate_approved_at = at
    else:
        repair.estimate_declined_at = at
    repair.estimate_answered_via = CustomerReply(via)
    repair.save()
    _record(
        "repair.estimate_approved" if approved else "repair.estimate_declined",
        repair,
        actor,
        at,
        amount=str(repair.estimate_amount),
        currency=repair.estimate_currency,
        via=CustomerReply(via).value,
    )
    return repair


@transaction.atomic
def lend_loaner(
    repair: RepairOrder, *, loaner: str, actor: User, at: datetime | None = None
) -> RepairOrder:
    """Record the unit lent to the customer while theirs is repaired."""
    at = at or timezone.now()
    repair = _open(repair)
    if repair.loaner_out:
        raise LoanerAlreadyOut(repair.reference)
    repair.loaner, repair.loaner_lent_at, repair.loaner_returned_at = loaner.strip(), at, None
    repair.save()
    _record("repair.loaner_lent", repair, actor, at, loaner=repair.loaner)
    return repair


@transaction.atomic
def return_loaner(repair: RepairOrder, *, actor: User, at: datetime | None = None) -> RepairOrder:
    """Record that the customer gave the loaner back, also after the repair is finished."""
    at = at or timezone.now()
    repair = _locked(repair)
    if not repair.loaner_out:
        raise NoLoanerOut(repair.reference)
    repair.loaner_returned_at = at
    repair.save()
    _record("repair.loaner_returned", repair, actor, at, loaner=repair.loaner)
    return repair
