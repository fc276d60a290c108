"""Recording phone calls: logged by an agent on a case, or reported by the telephony system.

A call becomes one entry in its case's thread. How it counts for service levels:
- an inbound call is the customer's contact (a message from the customer, at the moment the
  call reached the desk); answered, it is also its answer (`call.answered`, at the moment it
  was answered, which stops the response clock: the wait in the queue is the response time);
- an outbound call that reached the customer (answered, or a voicemail left) is a reply to
  the customer; one that did not (no answer, busy) is a note: an attempt, not a response;
- a missed, abandoned or voicemail inbound call leaves a call back to make, until a later
  answered call with the customer.
Abandons shorter than the short-abandon threshold are kept as calls but open no case.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loyaldesk.accounts.models import User
from loyaldesk.channels.phone.conf import short_abandon_seconds
from loyaldesk.channels.phone.models import (
    OUTCOMES,
    Call,
    CallDirection,
    CallOutcome,
    CallSource,
    ReportState,
    TelephonyReport,
)
from loyaldesk.channels.phone.reports import CallReport, InvalidReport, read_report
from loyaldesk.customers.identities import Channel, InvalidAddress, normalise_phone
from loyaldesk.customers.models import Customer
from loyaldesk.customers.selectors import find_customer
from loyaldesk.customers.services import create_customer_for_number
from loyaldesk.desk.events import record_event
from loyaldesk.desk.lifecycle import ACTIVE, Status
from loyaldesk.desk.models import Case, Message, MessageKind, Queue
from loyaldesk.desk.permissions import can_work
from loyaldesk.desk.services import CaseIsClosed, add_customer_message, default_queue, open_case
from loyaldesk.service_levels.services import track_case

logger = logging.getLogger(__name__)

# Outcomes that reached the customer: the call answers them (outbound) or was answered.
REACHED = frozenset({CallOutcome.ANSWERED, CallOutcome.VOICEMAIL})
LEFT_WAITING = frozenset({CallOutcome.MISSED, CallOutcome.ABANDONED, CallOutcome.VOICEMAIL})


class OutcomeNotPossible(ValueError):
    """The outcome does not exist for the call's direction (an outbound call is not abandoned)."""


class CallBeforeCase(ValueError):
    """An agent logs a call that started before the case was opened."""


# --- Agents log calls -----------------------------------------------------------------------


def log_call(
    case: Case,
    *,
    agent: User,
    direction: str,
    outcome: str,
    started_at: datetime,
    talk_seconds: int | None = None,
    number: str = "",
    notes: str = "",
) -> Call:
    """Log a call an agent made or took on a case; it joins the case's thread."""
    if not can_work(agent, case):
        raise PermissionDenied
    direction = CallDirection(direction)
    if outcome not in OUTCOMES[direction]:
        raise OutcomeNotPossible(f"an {direction} call cannot end {outcome!r}")
    if case.status == Status.CLOSED:
        raise CaseIsClosed(f"case {case.reference} is closed")
    if started_at < case.opened_at.replace(second=0, microsecond=0):  # minutes, as typed
        raise CallBeforeCase(f"case {case.reference} was opened after the call started")
    number = _customer_number(case.customer, number)
    answered = outcome == CallOutcome.ANSWERED
    call = Call(
        source=CallSource.AGENT,
        direction=direction,
        outcome=outcome,
        caller_number=number if direction == CallDirection.INBOUND else "",
        called_number=number if direction == CallDirection.OUTBOUND else "",
        customer=case.customer,
        queue=case.queue,
        agent=agent,
        started_at=started_at,
        answered_at=started_at if answered else None,
        ended_at=started_at + timedelta(seconds=talk_seconds or 0) if answered else None,
        talk_seconds=talk_seconds if answered else None,
        notes=notes.strip(),
    )
    with transaction.atomic():
        call.save()
        _record_in_case(call, case, actor=agent)
    return call


def _customer_number(customer: Customer, number: str) -> str:
    """The number as the agent typed it, normalised; else the customer's first phone."""
    if number.strip():
        return normalise_phone(number, customer.country)
    phone = customer.identities.filter(channel=Channel.PHONE).order_by("pk").first()
    return phone.address if phone else ""


# --- A call in its case ---------------------------------------------------------------------


def _record_in_case(call: Call, case: Case, *, actor: User | None) -> None:
    """Add the call to the case's thread, with its events; `call` has no message yet."""
    if call.direction == CallDirection.INBOUND:
        message = add_customer_message(
            case,
            text=call.notes,
            channel=Channel.PHONE,
            sender_address=call.caller_number,
            at=_in_case(call, case),
        )
    else:
        message = _add_staff_entry(case, call, actor=actor)
    _attach(call, message, actor=actor)


def _attach(call: Call, message: Message, *, actor: User | None) -> None:
    """Link the call to its thread entry and record what it means for the case."""
    case = message.case
    call.message, call.case, call.customer = message, case, case.customer
    call.settled_at = call.settled_at or timezone.now()
    call.call_back_needed = _leaves_call_back(call)
    call.save()
    at = _in_case(call, case)
    record_event("call.recorded", case=case, actor=actor, at=at, after=_facts(call))
    if call.outcome == CallOutcome.ANSWERED:
        _record_answer(call, actor=actor)


def _record_answer(call: Call, *, actor: User | None) -> None:
    """An answered call: an inbound one answers the customer's contact; either kind returns
    the calls the customer is waiting for."""
    case = Case.objects.select_for_update().get(pk=call.case_id)
    at = max(call.answered_at or call.started_at, _in_case(call, case))
    if call.direction == CallDirection.INBOUND:
        record_event("call.answered", case=case, actor=actor, at=at, after={"call": call.pk})
        if case.first_response_at is None:
            case.first_response_at = at
            case.save(update_fields=["first_response_at"])
        track_case(case, at=at)
    _settle_call_backs(call, actor=actor, at=at)


def _in_case(call: Call, case: Case) -> datetime:
    """When the call enters the case's log: as it started, or as the case opened if the
    telephony system reports a call that started before (a case's log starts with its
    opening); the call itself keeps its own times."""
    return max(call.started_at, case.opened_at)


def _leaves_call_back(call: Call) -> bool:
    return call.direction == CallDirection.INBOUND and call.outcome in LEFT_WAITING


def _settle_call_backs(call: Call, *, actor: User | None, at: datetime) -> None:
    """The customer's earlier calls left waiting have now been returned."""
    # Only the calls are locked: PostgreSQL refuses FOR UPDATE across the nullable case join.
    waiting = Call.objects.select_for_update(of=("self",)).filter(
        customer=call.customer_id,
        call_back_needed=True,
        called_back_at__isnull=True,
        started_at__lte=at,
    )
    for returned in waiting.exclude(pk=call.pk).select_related("case"):
        returned.called_back_at = at
        returned.save(update_fields=["called_back_at", "updated_at"])
        record_event(
            "call.called_back",
            case=returned.case,
            customer=returned.customer if returned.case is None else None,
            actor=actor,
            at=at,
            after={"call": returned.pk, "by": call.pk},
        )


def _add_staff_entry(case: Case, call: Call, *, actor: User | None) -> Message:
    """Our call to the customer: a reply when it reached them, else a note of the attempt."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Status.CLOSED:
        raise CaseIsClosed(f"case {case.reference} is closed")
    kind = MessageKind.OUTBOUND if call.outcome in REACHED else MessageKind.NOTE
    at = _in_case(call, case)
    message = Message.objects.create(
        case=case,
        kind=kind,
        channel=Channel.PHONE,
        author_user=actor,
        text=call.notes,
        language=case.language,
        created_at=at,
    )
    record_event(
        "message.added",
        case=case,
        actor=actor,
        at=at,
        after={"message": message.pk, "kind": kind, "channel": Channel.PHONE},
    )
    case.updated_at = max(case.updated_at, at)
    if kind == MessageKind.OUTBOUND and case.first_response_at is None:
        case.first_response_at = at
    case.save()
    track_case(case, at=at)
    return message


def _facts(call: Call) -> dict[str, Any]:
    """What a call event says about the call."""
    return {
        "call": call.pk,
        "source": call.source,
        "direction": call.direction,
        "outcome": call.outcome,
        "number": call.customer_number,
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
        "message": call.message_id,
    }


# --- The telephony webhook ------------------------------------------------------------------


def keep_report(body: bytes, *, at: datetime | None = None) -> TelephonyReport:
    """Store a signed webhook body as received, before anything reads it."""
    return TelephonyReport.objects.create(body=body, received_at=at or timezone.now())


def apply_report(report: TelephonyReport) -> TelephonyReport:
    """Read a kept report into its call; a bad one is marked so with the reason, never lost."""
    try:
        parsed = read_report(bytes(report.body))
    except InvalidReport as error:
        return _mark(report, ReportState.REJECTED, str(error))
    try:
        try:
            call = _apply(parsed)
        except IntegrityError:  # a retry of the same call created it meanwhile
            call = _apply(parsed)
    except Exception as error:  # the boundary: the body is kept, the sender will retry
        logger.exception("telephony report %s could not be applied", report.pk)
        return _mark(report, ReportState.FAILED, f"{type(error).__name__}: {error}")
    report.call = call
    return _mark(report, ReportState.APPLIED, "")


def _mark(report: TelephonyReport, state: ReportState, reason: str) -> TelephonyReport:
    report.state, report.reason = state, reason[:500]
    report.save(update_fields=["state", "reason", "call"])
    return report


@transaction.atomic
def _apply(report: CallReport) -> Call:
    """Create or update the call the report is about, then settle it in a case once known."""
    call = Call.objects.select_for_update().filter(external_id=report.call_id).first()
    if call is None:
        call = _new_call(report)
    before = _facts(call)
    was_answered = call.outcome == CallOutcome.ANSWERED
    _merge(call, report)
    call.save()
    if call.outcome == CallOutcome.IN_PROGRESS:
        return call
    if call.settled_at is None:
        _settle(call, report)
    else:
        _record_update(call, before, was_answered)
    return call


def _new_call(report: CallReport) -> Call:
    with transaction.atomic():  # a savepoint: a concurrent retry's row makes this one fail
        return Call.objects.create(
            source=CallSource.TELEPHONY,
            external_id=report.call_id,
            direction=report.direction,
            outcome=CallOutcome.IN_PROGRESS,
            started_at=report.started_at or report.occurred_at,
        )


def _merge(call: Call, report: CallReport) -> None:
    """What the report adds; a later report refines an earlier one, an answer is never undone."""
    if report.outcome and call.outcome != CallOutcome.ANSWERED:
        call.outcome = report.outcome
    call.caller_number = report.caller or call.caller_number
    call.called_number = report.called or call.called_number
    call.started_at = report.started_at or call.started_at
    if report.event == "answered":
        call.answered_at = report.answered_at or call.answered_at or report.occurred_at
    else:
        call.answered_at = report.answered_at or call.answered_at
    if report.event == "ended":
        call.ended_at = report.ended_at or call.ended_at or report.occurred_at
    call.notes = report.notes or call.notes
    call.agent = _agent(report.agent) or call.agent
    call.queue = _queue(report.queue) or call.queue
    call.wait_seconds = _wait(call, report)
    call.talk_seconds = _talk(call, report)


def _wait(call: Call, report: CallReport) -> int | None:
    if report.wait_seconds is not None:
        return report.wait_seconds
    if call.direction != CallDirection.INBOUND:
        return call.wait_seconds
    until = call.answered_at or (call.ended_at if call.outcome != CallOutcome.ANSWERED else None)
    if until is None:
        return call.wait_seconds
    return max(int((until - call.started_at).total_seconds()), 0)


def _talk(call: Call, report: CallReport) -> int | None:
    if report.talk_seconds is not None:
        return report.talk_seconds
    if call.answered_at and call.ended_at:
        return max(int((call.ended_at - call.answered_at).total_seconds()), 0)
    return call.talk_seconds


def _agent(name: str) -> User | None:
    if not name:
        return None
    return User.objects.filter(Q(username=name) | Q(email__iexact=name), is_active=True).first()


def _queue(slug: str) -> Queue | None:
    return Queue.objects.filter(slug=slug, is_active=True).first() if slug else None


def is_short_abandon(call: Call) -> bool:
    """A caller who hung up before the short-abandon threshold: kept, but no case."""
    return (
        call.outcome == CallOutcome.ABANDONED
        and call.wait_seconds is not None
        and call.wait_seconds < short_abandon_seconds()
    )


def _settle(call: Call, report: CallReport) -> None:
    """Put a call whose outcome is known into the customer's case, once."""
    call.settled_at = timezone.now()
    if (
        call.direction == CallDirection.INBOUND
        and call.caller_number
        and not is_short_abandon(call)
    ):
        customer = find_customer(Channel.PHONE, call.caller_number) or create_customer_for_number(
            call.caller_number, name=report.caller_name, at=call.started_at
        )
        _attach(call, _contact_message(call, customer), actor=call.agent)
        return
    customer = _known_customer(call.customer_number)
    case = _active_case(customer) if customer else None
    if case is not None and call.direction == CallDirection.OUTBOUND:  # about the open case
        _attach(call, _add_staff_entry(case, call, actor=call.agent), actor=call.agent)
        return
    # A short abandon, a withheld number, or our call to someone with no open case: kept for
    # the figures, on the customer's history when known.
    call.customer = customer
    call.save(update_fields=["customer", "settled_at", "updated_at"])
    if customer is not None:
        record_event("call.recorded", customer=customer, at=call.started_at, after=_facts(call))
        if call.outcome == CallOutcome.ANSWERED:
            _settle_call_backs(call, actor=call.agent, at=call.answered_at or call.started_at)


def _known_customer(number: str) -> Customer | None:
    try:
        return find_customer(Channel.PHONE, number) if number else None
    except InvalidAddress:
        return None


def _active_case(customer: Customer) -> Case | None:
    """The customer's case still being worked that changed last."""
    cases = Case.objects.filter(customer=customer, status__in=ACTIVE, merged_into__isnull=True)
    return cases.order_by("-updated_at", "-pk").first()


def _contact_message(call: Call, customer: Customer) -> Message:
    """The customer's call as a message on their open case, or on a new case."""
    case = _active_case(customer)
    if case is not None:
        return add_customer_message(
            case,
            text=call.notes,
            channel=Channel.PHONE,
            sender_address=call.caller_number,
            at=_in_case(call, case),
        )
    with translation.override(customer.preferred_language):
        subject = _("Phone call from %(number)s") % {"number": call.caller_number}
    opened = open_case(
        customer=customer,
        subject=subject,
        text=call.notes,
        channel=Channel.PHONE,
        queue=call.queue or default_queue(),
        sender_address=call.caller_number,
        at=call.started_at,
    )
    return opened.messages.get()


def _record_update(call: Call, before: dict[str, Any], was_answered: bool) -> None:
    """A later report about a call already in its case: the change, as an event."""
    after = _facts(call)
    changed = {name: value for name, value in after.items() if before.get(name) != value}
    if not changed:
        return
    case = call.case
    changed_before = {name: before.get(name) for name in changed}
    at = call.ended_at or call.answered_at or call.started_at
    if case is not None or call.customer_id is not None:
        record_event(
            "call.updated",
            case=case,
            customer=call.customer if case is None else None,
            at=max(at, case.opened_at) if case else at,
            before=changed_before,
            after=changed,
        )
    if call.outcome == CallOutcome.ANSWERED and not was_answered and case is not None:
        call.call_back_needed = False
        call.save(update_fields=["call_back_needed", "updated_at"])
        _record_answer(call, actor=call.agent)
