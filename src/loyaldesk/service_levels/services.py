"""Applying SLA policies to cases and deriving their timers from the event log."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import Customer
from loyaldesk.desk.events import record_event
from loyaldesk.desk.models import Case, Event
from loyaldesk.service_levels.event_log import TIMER_EVENT_KINDS, LogBuilder
from loyaldesk.service_levels.models import (
    Alert,
    CaseTimer,
    Expectation,
    Outcome,
    Policy,
    PolicyVersion,
    ServiceMeasure,
    TargetKind,
)
from loyaldesk.service_levels.timers import NO_TARGET, UNSET, Target, compute_timers

TARGET_KINDS = {
    Target.FIRST_RESPONSE: TargetKind.FIRST_RESPONSE,
    Target.NEXT_RESPONSE: TargetKind.NEXT_RESPONSE,
    Target.RESOLUTION: TargetKind.RESOLUTION,
}
OUTCOMES = {0: Outcome.FULFILLED, 1: Outcome.BREACHED}
YEARS_AHEAD = 2


def policy_definition(policy: Policy) -> dict:
    """What a version of the policy keeps: its name, targets and calendar as plain data."""
    return {
        "name": policy.name,
        "targets": policy.target_minutes(),
        "calendar": policy.calendar.definition(),
    }


@transaction.atomic
def publish_policy(policy: Policy) -> PolicyVersion:
    """The policy's current version: a new one when its targets or calendar changed."""
    definition = policy_definition(policy)
    latest = policy.versions.order_by("-number").first()
    if latest is not None and latest.definition == definition:
        return latest
    number = (policy.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    return PolicyVersion.objects.create(policy=policy, number=number, definition=definition)


def _matches(policy: Policy, case: Case, organisations: set[int]) -> bool:
    checks = [
        (policy.segments, case.customer.segment),
        (policy.priorities, case.priority),
        (policy.channels, case.origin_channel),
        (policy.categories, case.category),
    ]
    if any(allowed and value not in allowed for allowed, value in checks):
        return False
    queues = {queue.pk for queue in policy.queues.all()}
    if queues and case.queue_id not in queues:
        return False
    wanted = {organisation.pk for organisation in policy.organisations.all()}
    return not wanted or bool(wanted & organisations)


def matching_policy(case: Case) -> Policy | None:
    """The first active policy, in order, whose conditions the case meets."""
    organisations = set(case.customer.memberships.values_list("organisation_id", flat=True))
    policies = Policy.objects.filter(is_active=True).prefetch_related("queues", "organisations")
    return next((policy for policy in policies if _matches(policy, case, organisations)), None)


def expectation_of(customer: Customer) -> Expectation | None:
    """The customer's own expectation, else their primary (then any) organisation's."""
    found = Expectation.objects.filter(customer=customer).first()
    if found is not None:
        return found
    memberships = customer.memberships.order_by("-is_primary", "pk")
    for organisation_id in memberships.values_list("organisation_id", flat=True):
        found = Expectation.objects.filter(organisation_id=organisation_id).first()
        if found is not None:
            return found
    return None


def measured_against(case: Case) -> dict:
    """What `sla.policy_applied` records for the case now: policy, version, targets in
    business seconds (the customer's expectation overriding), and the calendar."""
    policy = matching_policy(case)
    if policy is None:
        return {"policy": None}
    version = publish_policy(policy)
    minutes = dict(version.definition["targets"])
    expectation = expectation_of(case.customer)
    if expectation is not None:
        for target, value in expectation.target_minutes().items():
            if value is not None:
                minutes[target] = value
    return {
        "policy": policy.pk,
        "version": version.pk,
        "name": version.definition["name"],
        "targets": {name: None if value is None else value * 60 for name, value in minutes.items()},
        "calendar": version.definition["calendar"],
        "expectation": None if expectation is None else expectation.pk,
    }


def applied_now(case: Case) -> dict:
    latest = (
        Event.objects.filter(case=case, kind="sla.policy_applied").order_by("-at", "-id").first()
    )
    return latest.after if latest is not None else {"policy": None}


def apply_policy(case: Case, *, at: datetime, actor: User | None = None) -> bool:
    """Measure the case against the policy it matches now; records an event when that
    changes. Call inside the transaction of the change that may alter the match."""
    found = measured_against(case)
    if found == applied_now(case):
        return False
    record_event("sla.policy_applied", case=case, actor=actor, at=at, after=found)
    return True


def _instant(seconds: int) -> datetime | None:
    return None if seconds == UNSET else datetime.fromtimestamp(int(seconds), UTC)


def _timer_rows(cases: list[Case]) -> list[tuple]:
    """The events of these cases that move clocks, in the order timers read them."""
    return list(
        Event.objects.filter(case__in=cases, kind__in=TIMER_EVENT_KINDS)
        .order_by("case_id", "at", "id")
        .values_list("case_id", "at", "kind", "after", "actor_kind")
    )


def case_timers(cases: list[Case], now: datetime, rows: list[tuple] | None = None):
    """Compute the timers of these cases from their events (`rows`, when read already)."""
    rows = _timer_rows(cases) if rows is None else rows
    first = min(case.opened_at for case in cases)
    builder = LogBuilder(first.year - 1, now.year + YEARS_AHEAD)
    builder.extend(
        (case_id, at, kind, after, actor_kind == "staff")
        for case_id, at, kind, after, actor_kind in rows
    )
    return compute_timers(builder.log(), builder.table(), builder.clocks(), int(now.timestamp()))


def measure_case(case: Case, *, now: datetime | None = None) -> None:
    """Derive the case's timers and measures from its events; record an event for each new
    fulfilment and breach. Call inside the transaction of the change."""
    now = now or timezone.now()
    rows = _timer_rows([case])
    applied = [after for _, _, kind, after, _ in rows if kind == "sla.policy_applied"]
    if not applied:
        return  # never measured: no policy matched it
    timers = case_timers([case], now, rows)
    version = applied[-1].get("version")
    stored = _store_timers(case, timers, version, now)
    _store_measures(case, timers, version)
    states = timers.states.values()
    case.sla_due_at = _instant(timers.earliest_due[0])
    case.sla_breached = any(int(state.breached[0]) != UNSET for state in states)
    case.sla_at_risk = any(timer.at_risk for timer in stored)
    Case.objects.filter(pk=case.pk).update(
        sla_due_at=case.sla_due_at, sla_breached=case.sla_breached, sla_at_risk=case.sla_at_risk
    )


def _store_timers(case: Case, timers, version: int | None, now: datetime) -> list[CaseTimer]:
    existing = {timer.target: timer for timer in CaseTimer.objects.filter(case=case)}
    changed, created = [], []
    for target, states in timers.states.items():
        timer = existing.get(TARGET_KINDS[target]) or CaseTimer(
            case=case, target=TARGET_KINDS[target]
        )
        target_seconds = int(states.target[0])
        timer.policy_version_id = version
        timer.target_seconds = None if target_seconds >= NO_TARGET else target_seconds
        timer.due_at = _instant(states.due[0])
        timer.fulfilled_at = _instant(states.fulfilled[0])
        timer.breached_at = _instant(states.breached[0])
        timer.elapsed_seconds = int(states.elapsed[0])
        timer.paused_seconds = int(states.paused[0])
        timer.running = bool(states.running[0])
        timer.waiting = bool(states.waiting[0])
        timer.wait = int(states.wait[0])
        timer.computed_at = now
        (changed if timer.pk else created).append(timer)
    CaseTimer.objects.bulk_create(created)
    CaseTimer.objects.bulk_update(
        changed,
        [
            "policy_version",
            "target_seconds",
            "due_at",
            "fulfilled_at",
            "breached_at",
            "elapsed_seconds",
            "paused_seconds",
            "running",
            "waiting",
            "wait",
            "computed_at",
        ],
    )
    return changed + created


def _store_measures(case: Case, timers, version: int | None) -> None:
    """Keep the case's measures equal to what its events give; new ones are events too."""
    measures = timers.measures
    wanted = {}
    for index in np.flatnonzero(measures.target_seconds < NO_TARGET):
        key = (
            TARGET_KINDS[Target(measures.target[index])],
            int(measures.cycle[index]),
            OUTCOMES[int(measures.outcome[index])],
        )
        wanted[key] = index
    stored = {
        (measure.target, measure.cycle, measure.outcome): measure
        for measure in ServiceMeasure.objects.filter(case=case)
    }
    kept = {
        key
        for key, index in wanted.items()
        if key in stored and stored[key].at == _instant(measures.at[index])
    }
    stale = [measure.pk for key, measure in stored.items() if key not in kept]
    ServiceMeasure.objects.filter(pk__in=stale).delete()
    fresh = []
    for key, index in wanted.items():
        if key in kept:
            continue
        target, cycle, outcome = key
        measure = ServiceMeasure(
            case=case,
            target=target,
            cycle=cycle,
            outcome=outcome,
            at=_instant(measures.at[index]),
            wall_seconds=int(measures.wall_seconds[index]),
            business_seconds=int(measures.business_seconds[index]),
            target_seconds=int(measures.target_seconds[index]),
            policy_version_id=version,
            queue_id=case.queue_id,
            agent_id=case.assignee_id,
            channel=case.origin_channel,
        )
        fresh.append(measure)
    ServiceMeasure.objects.bulk_create(fresh)
    for measure in sorted(fresh, key=lambda measure: measure.at):
        record_event(
            f"sla.{measure.outcome}",
            case=case,
            at=measure.at,
            after={
                "target": measure.target,
                "wait": measure.cycle,
                "wall_seconds": measure.wall_seconds,
                "business_seconds": measure.business_seconds,
                "target_seconds": measure.target_seconds,
            },
        )


def track_case(
    case: Case, *, at: datetime, actor: User | None = None, reapply: bool = False
) -> None:
    """After a change to a case: re-match its policy if asked, then re-derive its timers."""
    if reapply:
        apply_policy(case, at=at, actor=actor)
    measure_case(case, now=max(at, case.updated_at))


def record_due_breaches(now: datetime | None = None) -> int:
    """Re-derive the cases a waiting, running target of which came due by now, so the breach
    is recorded when it happens and not at the case's next change; returns how many."""
    now = now or timezone.now()
    overdue = (
        CaseTimer.objects.filter(
            due_at__lte=now, running=True, fulfilled_at__isnull=True, breached_at__isnull=True
        )
        .values_list("case_id", flat=True)
        .distinct()
    )
    count = 0
    for case_id in list(overdue):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            measure_case(case, now=now)
            count += 1
    return count


def mark_alerts_read(case: Case, user: User, at: datetime) -> int:
    """The user opened the case: the escalations it brought them are read."""
    return Alert.objects.filter(case=case, user=user, read_at__isnull=True).update(read_at=at)
