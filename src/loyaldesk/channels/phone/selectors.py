"""Reading calls: a case's and a customer's calls, the calls to return, and call figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.channels.phone.conf import short_abandon_seconds
from loyaldesk.channels.phone.models import Call, CallDirection, CallOutcome
from loyaldesk.customers.models import Customer
from loyaldesk.desk.models import Case, Queue
from loyaldesk.desk.permissions import visible_cases

CUSTOMER_CALLS_SHOWN = 10
CALL_BACKS_SHOWN = 200


def case_calls_to_return(case: Case) -> QuerySet[Call]:
    """The case's calls the customer is still waiting to be called back about, oldest first."""
    return Call.objects.filter(
        case=case, call_back_needed=True, called_back_at__isnull=True
    ).order_by("started_at", "pk")


def calls_to_return(user: User) -> QuerySet[Call]:
    """Calls waiting for a call back in the cases the user may see, oldest first."""
    return (
        Call.objects.filter(
            call_back_needed=True,
            called_back_at__isnull=True,
            case__in=visible_cases(user).values("pk"),
        )
        .select_related("case", "customer", "queue")
        .order_by("started_at", "pk")[:CALL_BACKS_SHOWN]
    )


def customer_calls(user: User, customer: Customer) -> list[Call]:
    """The customer's latest calls: those in cases the user may see, and those with no case."""
    seen = Q(case__isnull=True) | Q(case__in=visible_cases(user).values("pk"))
    records = [customer.pk, *customer.merged_records.values_list("pk", flat=True)]
    calls = Call.objects.filter(seen, customer__in=records).select_related("case", "agent")
    return list(calls.order_by("-started_at", "-pk")[:CUSTOMER_CALLS_SHOWN])


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"


TRUNCATE = {Period.HOUR: TruncHour, Period.DAY: TruncDay}


@dataclass(frozen=True)
class CallFigures:
    """The inbound calls that started in one hour or day, by how they ended.

    `abandoned` counts callers who hung up after the short-abandon threshold (left waiting
    too long: the "hung up on poor service" figure); `short_abandoned` those who hung up
    sooner, kept apart. Waits are in seconds; None when no call of the kind.
    """

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

    @property
    def abandon_rate(self) -> float | None:
        """Abandoned calls among the calls offered, short abandons left out of both."""
        counted = self.offered - self.short_abandoned
        return self.abandoned / counted if counted else None


def call_figures(
    start: datetime,
    end: datetime,
    period: Period | str = Period.HOUR,
    *,
    queue: Queue | None = None,
    time_zone: tzinfo | None = None,
) -> list[CallFigures]:
    """Inbound calls with a known outcome started in [start, end), one row per hour or day
    that had any, in `time_zone` (the site's by default), oldest first."""
    short = short_abandon_seconds()
    calls = Call.objects.filter(
        direction=CallDirection.INBOUND, started_at__gte=start, started_at__lt=end
    ).exclude(outcome=CallOutcome.IN_PROGRESS)
    if queue is not None:
        calls = calls.filter(queue=queue)
    is_short = Q(outcome=CallOutcome.ABANDONED, wait_seconds__lt=short)
    abandoned = Q(outcome=CallOutcome.ABANDONED) & ~is_short
    answered = Q(outcome=CallOutcome.ANSWERED)
    bucket = TRUNCATE[Period(period)](
        "started_at", tzinfo=time_zone or timezone.get_current_timezone()
    )
    rows = (
        calls.annotate(bucket=bucket)
        .order_by()
        .values("bucket")
        .annotate(
            offered=Count("pk"),
            answered=Count("pk", filter=answered),
            abandoned=Count("pk", filter=abandoned),
            short_abandoned=Count("pk", filter=is_short),
            missed=Count("pk", filter=Q(outcome=CallOutcome.MISSED)),
            voicemail=Count("pk", filter=Q(outcome=CallOutcome.VOICEMAIL)),
            mean_answer_wait=Avg("wait_seconds", filter=answered),
            longest_answer_wait=Max("wait_seconds", filter=answered),
            mean_abandon_wait=Avg("wait_seconds", filter=abandoned),
        )
        .order_by("bucket")
    )
    return [CallFigures(start=row.pop("bucket"), **row) for row in rows]
