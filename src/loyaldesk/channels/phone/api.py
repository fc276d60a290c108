"""REST endpoints for calls: a case's calls, logging one, and the call figures for staffing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as Answer

from loyaldesk.channels.phone import services
from loyaldesk.channels.phone.forms import MAX_MINUTES, MAX_NOTES
from loyaldesk.channels.phone.models import Call, CallDirection, CallOutcome
from loyaldesk.channels.phone.selectors import Period, call_figures
from loyaldesk.core.periods import FIRST_DAY, LAST_DAY, start_of_day
from loyaldesk.core.schemas import MAX_ID, Id, text
from loyaldesk.customers.identities import InvalidAddress
from loyaldesk.desk.models import Case
from loyaldesk.desk.permissions import can_work, ensure, visible_cases, visible_queues

router = Router(tags=["calls"])
CaseNumber = Path(..., ge=1, le=MAX_ID)
MAX_FIGURE_DAYS = 366
DEFAULT_FIGURE_DAYS = 7


class CallOut(Schema):
    id: int
    source: str
    direction: CallDirection
    outcome: CallOutcome
    caller_number: str
    called_number: str
    case_number: int | None
    customer_id: int | None
    queue_id: int | None
    agent_id: int | None
    message_id: int | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    wait_seconds: int | None
    talk_seconds: int | None
    notes: str
    call_back_needed: bool
    called_back_at: datetime | None

    @staticmethod
    def resolve_case_number(call: Call) -> int | None:
        return call.case.number if call.case_id else None


class CallIn(Schema):
    direction: CallDirection
    outcome: Literal[tuple(value for value in CallOutcome.values if value != "in_progress")]
    started_at: datetime
    talk_seconds: int | None = Field(None, ge=0, le=MAX_MINUTES * 60)
    number: text(max_length=40) = ""
    notes: text(max_length=MAX_NOTES) = ""


class FiguresQuery(Schema):
    since: date | None = None
    until: date | None = None
    period: Period = Period.DAY
    queue: Id | None = None


class FigureRow(Schema):
    start: datetime
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    missed: int
    voicemail: int
    mean_answer_wait: float | None
    longest_answer_wait: int | None
    mean_abandon_wait: float | None
    abandon_rate: float | None


def _case(request: HttpRequest, number: int) -> Case:
    cases = visible_cases(request.user).select_related("customer", "queue")
    return get_object_or_404(cases, number=number)


@router.get("/cases/{number}/calls", response=list[CallOut])
def list_calls(request: HttpRequest, number: int = CaseNumber):
    """The case's calls, oldest first."""
    case = _case(request, number)
    return Call.objects.filter(case=case).select_related("case").order_by("started_at", "pk")


@router.post("/cases/{number}/calls", response={201: CallOut})
def log_call(request: HttpRequest, payload: CallIn, number: int = CaseNumber):
    """Log a call the token's user took or made; it joins the case's thread."""
    case = _case(request, number)
    ensure(can_work(request.user, case))
    if timezone.is_naive(payload.started_at):
        raise ValidationError({"started_at": "give the time with its UTC offset"})
    if payload.outcome == CallOutcome.ANSWERED and payload.talk_seconds is None:
        raise ValidationError({"talk_seconds": "an answered call needs its length"})
    try:
        call = services.log_call(
            case,
            agent=request.user,
            direction=payload.direction,
            outcome=payload.outcome,
            started_at=payload.started_at,
            talk_seconds=payload.talk_seconds,
            number=payload.number,
            notes=payload.notes,
        )
    except InvalidAddress:
        raise ValidationError({"number": "not a phone number"}) from None
    except (services.OutcomeNotPossible, services.CallBeforeCase) as error:
        raise ValidationError({"__all__": str(error)}) from None
    return Answer(201, call)


@router.get("/calls/figures", response=list[FigureRow])
def figures(request: HttpRequest, query: Query[FiguresQuery]):
    """Inbound calls per day or hour of a period (the last 7 days by default), by outcome,
    with waits and the abandon rate (team leads, managers)."""
    ensure(request.user.has_perm("service_levels.view_service_level_reports"))
    until = query.until or timezone.localdate()
    since = query.since or until - timedelta(days=DEFAULT_FIGURE_DAYS - 1)
    if not (FIRST_DAY <= since <= until <= LAST_DAY) or (until - since).days >= MAX_FIGURE_DAYS:
        raise ValidationError({"until": "the period must end after it starts, within a year"})
    queue = None
    if query.queue is not None:
        queue = get_object_or_404(visible_queues(request.user), pk=query.queue)
    rows = call_figures(
        start_of_day(since), start_of_day(until + timedelta(days=1)), query.period, queue=queue
    )
    return [{**row.__dict__, "abandon_rate": row.abandon_rate} for row in rows]
