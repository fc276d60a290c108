"""Applying SLA policies to cases and deriving their timers from the event log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import Customer, Membership
from loyaldesk.desk.events import new_event, record_event, record_events
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


@dataclass(frozen=True)
class CaseFacts:
    """What policies match a case on."""

    segment: str
    priority: str
    channel: str
    category: str
    language: str
    queue: int | None
    organisations: frozenset[int] = frozenset()

    @classmethod
    def of(cls, case: Case, organisations: frozenset[int] | None = None) -> CaseFacts:
        """The case's facts; its customer's organisations read unless given."""
        if organisations is None:
            memberships = case.customer.memberships.values_list("organisation_id", flat=True)
            organisations = frozenset(memberships)
        return cls(
            segment=case.customer.segment,
            priority=case.priority,
            channel=case.origin_channel,
            category=case.category,
            language=case.language,
            queue=case.queue_id,
            organisations=organisations,
        )


def matches(policy: Policy, facts: CaseFacts) -> bool:
    """Whether a case meets every condition of the policy (an empty condition allows all);
    the policy's queues and organisations prefetched."""
    checks = [
        (policy.segments, facts.segment),
        (policy.priorities, facts.priority),
        (policy.channels, facts.channel),
        (policy.categories, facts.category),
        (policy.languages, facts.language),
    ]
    if any(allowed and value not in allowed for allowed, value in checks):
        return False
    queues = {queue.pk for queue in policy.queues.all()}
    if queues and facts.queue not in queues:
        return False
    wanted = {organisation.pk for organisation in policy.organisations.all()}
    return not wanted or bool(wanted & facts.organisations)


def active_policies() -> list[Policy]:
    """The active policies in the order they are tried."""
    return list(Policy.objects.filter(is_active=True).prefetch_related("queues", "organisations"))


def matching_policy(case: Case) -> Policy | None:
    """The first active policy, in order, whose conditions the case meets."""
    facts = CaseFacts.of(case)
    return next((policy for policy in active_policies() if matches(policy, facts)), None)


def expectation_of(customer: Customer) -> Expectation | None:
    """The customer's own expectation, else their primary (then any) organisation's."""
    return expectations_of({customer.pk}).get(customer.pk)


def applied_targets(
    policy: Policy, version: PolicyVersion, expectation: Expectation | None
) -> dict:
    """What `sla.policy_applied` records: policy, version, targets in business seconds (the
    expectation overriding), and the calendar."""
    minutes = dict(version.definition["targets"])
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


def measured_against(case: Case) -> dict:
    """What `sla.policy_applied` records for the case now ({"policy": None} if none matches)."""
    policy = matching_policy(case)
    if policy is None:
        return {"policy": None}
    return applied_targets(policy, publish_policy(policy), expectation_of(case.customer))


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


def expectations_of(customer_ids: set[int]) -> dict[int, Expectation]:
    """`expectation_of` for many customers at once: each one's own expectation, else their
    primary (then any) organisation's; customers with none are left out."""
    found = {
        expectation.customer_id: expectation
        for expectation in Expectation.objects.filter(customer_id__in=customer_ids)
    }
    memberships = Membership.objects.filter(customer_id__in=customer_ids - found.keys())
    pairs = list(
        memberships.order_by("-is_primary", "pk").values_list("customer_id", "organisation_id")
    )
    by_organisation = {
        expectation.organisation_id: expectation
        for expectation in Expectation.objects.filter(
            organisation_id__in={organisation_id for _, organisation_id in pairs}
        )
    }
    for customer_id, organisation_id in pairs:
        if customer_id not in found and organisation_id in by_organisation:
            found[customer_id] = by_organisation[organisation_id]
    return found


def apply_policies(cases: list[Case]) -> int:
    """`apply_policy` at opening for cases opened together: policies, versions and the
    customers' organisations read once; returns how many cases a policy matched."""
    policies = active_policies()
    if not policies or not cases:
        return 0
    versions: dict[int, PolicyVersion] = {}
    customer_ids = {case.customer_id for case in cases}
    organisations: dict[int, set[int]] = {}
    for customer_id, organisation_id in Membership.objects.filter(
        customer_id__in=customer_ids
    ).values_list("customer_id", "organisation_id"):
        organisations.setdefault(customer_id, set()).add(organisation_id)
    expectations = expectations_of(customer_ids)
    applied = []
    for case in cases:
        facts = CaseFacts.of(case, frozenset(organisations.get(case.customer_id, ())))
        policy = next((policy for policy in policies if matches(policy, facts)), None)
        if policy is not None:
            if policy.pk not in versions:
                versions[policy.pk] = publish_policy(policy)
            targets = applied_targets(
                policy, versions[policy.pk], expectations.get(case.customer_id)
            )
            applied.append(
                new_event("sla.policy_applied", case=case, at=case.opened_at, after=targets)
            )
    record_events(applied)
    return len(applied)


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
    measure_cases([case], now=now or timezone.now())


def measure_cases(cases: list[Case], *, now: datetime) -> int:
    """`measure_case` for many cases in one pass over their events (cases changed together,
    or written in bulk by the demo and imports); returns how many had a policy."""
    rows = _timer_rows(cases)
    versions = {
        case_id: after.get("version")
        for case_id, _, kind, after, _ in rows
        if kind == "sla.policy_applied"
    }
    measured = [case for case in cases if case.pk in versions]
    if not measured:
        return 0  # never measured: no policy matched them
    timers = case_timers(measured, now, [row for row in rows if row[0] in versions])
    by_id = {case.pk: case for case in measured}
    timers_of: dict[int, dict[str, CaseTimer]] = defaultdict(dict)
    for timer in CaseTimer.objects.filter(case__in=measured):
        timers_of[timer.case_id][timer.target] = timer
    measures_of: dict[int, dict[tuple, ServiceMeasure]] = defaultdict(dict)
    for measure in ServiceMeasure.objects.filter(case__in=measured):
        measures_of[measure.case_id][(measure.target, measure.cycle, measure.outcome)] = measure
    created, stale, fresh = [], [], []
    for index, case_id in enumerate(timers.case.tolist()):
        case, version = by_id[case_id], versions[case_id]
        stored = _store_timers(case, timers, index, version, now, timers_of[case_id])
        created.extend(timer for timer in stored if timer.pk is None)
        gone, new = _changed_measures(case, timers.measures, version, measures_of[case_id])
        stale.extend(gone)
        fresh.extend(new)
        _set_case_state(case, timers, index)
        case.sla_at_risk = any(timer.at_risk for timer in stored)
        Case.objects.filter(pk=case.pk).update(
            sla_due_at=case.sla_due_at,
            sla_breached=case.sla_breached,
            sla_at_risk=case.sla_at_risk,
        )
    CaseTimer.objects.bulk_create(created)
    if stale:
        ServiceMeasure.objects.filter(pk__in=stale).delete()
    ServiceMeasure.objects.bulk_create(fresh)
    record_events(
        [
            new_event(
                f"sla.{measure.outcome}",
                case=measure.case,
                at=measure.at,
                after=_measure_event(measure),
            )
            for measure in sorted(fresh, key=lambda measure: measure.at)
        ]
    )
    return len(measured)


_TOUCHED: ContextVar[dict[int, tuple[Case, datetime]] | None] = ContextVar(
    "cases_measured_together", default=None
)


@contextmanager
def measured_together() -> Iterator[None]:
    """Cases changed within are measured once each, together, on leaving: for services
    that change many cases in one transaction (email read in batches)."""
    token = _TOUCHED.set({})
    try:
        yield
        touched = _TOUCHED.get()
    finally:
        _TOUCHED.reset(token)
    if touched:
        cases = [case for case, _ in touched.values()]
        measure_cases(cases, now=max(now for _, now in touched.values()))


def _set_case_state(case: Case, timers, index: int) -> None:
    """The case's earliest due time and whether any target was breached."""
    case.sla_due_at = _instant(timers.earliest_due[index])
    case.sla_breached = any(int(state.breached[index]) != UNSET for state in timers.states.values())


TIMER_FIELDS = [
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
]


def _fill_timer(timer: CaseTimer, states, index: int, version: int | None, now: datetime) -> None:
    target_seconds = int(states.target[index])
    timer.policy_version_id = version
    timer.target_seconds = None if target_seconds >= NO_TARGET else target_seconds
    timer.due_at = _instant(states.due[index])
    timer.fulfilled_at = _instant(states.fulfilled[index])
    timer.breached_at = _instant(states.breached[index])
    timer.elapsed_seconds = int(states.elapsed[index])
    timer.paused_seconds = int(states.paused[index])
    timer.running = bool(states.running[index])
    timer.waiting = bool(states.waiting[index])
    timer.wait = int(states.wait[index])
    timer.computed_at = now


def _store_timers(
    case: Case,
    timers,
    index: int,
    version: int | None,
    now: datetime,
    existing: dict[str, CaseTimer],
) -> list[CaseTimer]:
    """The case's timers filled from its row of `timers`: existing ones saved, new ones
    left for the caller to create."""
    stored = []
    for target, states in timers.states.items():
        timer = existing.get(TARGET_KINDS[target]) or CaseTimer(
            case=case, target=TARGET_KINDS[target]
        )
        _fill_timer(timer, states, index, version, now)
        if timer.pk:
            # Plain UPDATEs: bulk_update's CASE expressions cost ten times more to build.
            timer.save(update_fields=TIMER_FIELDS)
        stored.append(timer)
    return stored


def _measure_key(measures, index: int) -> tuple[str, int, str]:
    return (
        TARGET_KINDS[Target(measures.target[index])],
        int(measures.cycle[index]),
        OUTCOMES[int(measures.outcome[index])],
    )


def _new_measure(case: Case, measures, index: int, version: int | None) -> ServiceMeasure:
    target, cycle, outcome = _measure_key(measures, index)
    return ServiceMeasure(
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


def _measure_event(measure: ServiceMeasure) -> dict:
    return {
        "target": measure.target,
        "wait": measure.cycle,
        "wall_seconds": measure.wall_seconds,
        "business_seconds": measure.business_seconds,
        "target_seconds": measure.target_seconds,
    }


def _changed_measures(
    case: Case, measures, version: int | None, stored: dict[tuple, ServiceMeasure]
) -> tuple[list[int], list[ServiceMeasure]]:
    """The case's stored measures its events no longer give, and the new ones they do."""
    own = (measures.case == case.pk) & (measures.target_seconds < NO_TARGET)
    wanted = {_measure_key(measures, index): index for index in np.flatnonzero(own)}
    kept = {
        key
        for key, index in wanted.items()
        if key in stored and stored[key].at == _instant(measures.at[index])
    }
    stale = [measure.pk for key, measure in stored.items() if key not in kept]
    fresh = [
        _new_measure(case, measures, index, version)
        for key, index in wanted.items()
        if key not in kept
    ]
    return stale, fresh


def track_case(
    case: Case, *, at: datetime, actor: User | None = None, reapply: bool = False
) -> None:
    """After a change to a case: re-match its policy if asked, then re-derive its timers."""
    if reapply:
        apply_policy(case, at=at, actor=actor)
    now = max(at, case.updated_at)
    touched = _TOUCHED.get()
    if touched is None:
        measure_case(case, now=now)
    else:
        touched[case.pk] = (case, max(now, touched.get(case.pk, (case, now))[1]))


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
